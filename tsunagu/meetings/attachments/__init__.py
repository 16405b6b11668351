"""会議資料: files attached to a meeting or to one of its agenda items (issue 13, item 2)."""
