"""The flow kit every feature is written with: who a person is, buttons and their rules, commands
and menus, the draft-centred flow engine, live screens and the outbox of notices."""
