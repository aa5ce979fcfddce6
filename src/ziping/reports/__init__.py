"""Reports: how results reach people (terminal text) and programs (the JSON contract)."""
