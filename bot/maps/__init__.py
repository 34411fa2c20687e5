"""The province map of Iran: its drawing (render) and the boundaries it draws (geo/, with their
source and licence)."""
