"""One module per feature; each exports HANDLERS (or build_handler()) for bot.app to register."""
