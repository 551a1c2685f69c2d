"""Parts of the role sheet that upper floors add without the sheet knowing them (the check-ins'
drift alerts, from `checkins`): each registers a function in its AppConfig.ready, as Django's
admin site takes its models. A panel is `panel(role, access)` → HTML, or "" when it has
nothing to say; it is rendered with the sheet's body, so it must show only what moves the
sheet counter (core/counters.py)."""

_PANELS = []


def register(panel):
    if panel not in _PANELS:
        _PANELS.append(panel)


def panels_for(role, access):
    return [html for panel in _PANELS if (html := panel(role, access))]
