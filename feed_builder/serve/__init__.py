"""`podcast serve`: the show built into a preview folder for the local address, served the way a real
host serves it (byte ranges, validators, the published types), rebuilt and reloaded on every edit."""
