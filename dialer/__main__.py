from __future__ import annotations

from dialer.cli.main import main

if __name__ == "__main__":
    main()
