"""The daily pain log: the entry form, the history, and the JSON API of the offline queue."""
