"""pytest plugin giving a running Confluence emulator fixture (filled in by the emulator work)."""
