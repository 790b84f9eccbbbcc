"""The bundled Confluence emulator (a real HTTP server on 127.0.0.1) and its pytest plugin."""
