"""Cases: the case record, its facts for the engine, pages, flags, dispositions and the one
decision path."""
