def reach_for_event(event):
    """The media reach shown for `event`; the media coverage issue fills this in."""
    return None
