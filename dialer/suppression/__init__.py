"""The suppression list by number and its administration."""
