"""Offline and installable: the web app manifest, the service worker and the offline page."""
