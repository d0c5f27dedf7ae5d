"""Moving recipes in and out: reading other apps' export files, our own export, backups."""
