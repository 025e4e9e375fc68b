"""Server-drawn SVG bar charts. Each chart is a picture for those who can see it; the numbers are always also
in a table beside it, so the chart itself is marked as an image with a text summary.

The bars lie on their side, one group per month or theme, and every bar is labelled in words above it ("Raised:
8"), so no legend, no colour and no slanted axis text is needed to read one. There is no viewBox: lengths across
are percentages of the chart's width and text keeps the stylesheet's size, so it stays readable on a phone."""

from markupsafe import Markup, escape

# Each at least 3:1 against white (WCAG 1.4.11): blue, dark orange, green, purple, red, grey.
COLOURS = ("#1d70b8", "#b35100", "#00703c", "#4c2c92", "#d4351c", "#505a5f")
CATEGORY, LABEL, BAR, GAP = 22, 18, 12, 4  # heights in px: a group's name, a bar's words, a bar, space after


def bar_chart(title, categories, series, unit=None):
    """Grouped bars: `series` is [(name, [value per category])]; a value of None is drawn as "no data".
    `unit` is (one, many) for the words after a number, as ("day", "days")."""
    if not categories:
        return Markup("")
    peak = max([v for _, values in series for v in values if v is not None] + [0]) or 1
    group = CATEGORY + len(series) * (LABEL + BAR + GAP) + GAP
    parts = []
    for index, category in enumerate(categories):
        y = index * group + CATEGORY - 6
        parts.append('<text x="0" y="%d" class="chart__category">%s</text>' % (y, escape(category)))
        for number, (name, values) in enumerate(series):
            value = values[index]
            top = index * group + CATEGORY + number * (LABEL + BAR + GAP)
            words = "%s: %s" % (name, "no data" if value is None else _number(value, unit))
            parts.append('<text x="0" y="%d" class="chart__label">%s</text>' % (top + LABEL - 5, escape(words)))
            parts.append(
                '<rect x="0" y="%d" width="%.2f%%" height="%d" fill="%s" class="chart__bar"/>'
                % (top + LABEL, 100 * (value or 0) / peak, BAR, COLOURS[number % len(COLOURS)])
            )
    height = len(categories) * group
    return Markup(
        '<svg class="chart" width="100%%" height="%d" role="img" aria-label="%s" focusable="false">%s</svg>'
        % (height, escape("%s (the numbers are in the table)" % title), "".join(parts))
    )


def _number(value, unit):
    number = "%d" % value if value >= 10 or value == int(value) else "%.1f" % value
    return "%s %s" % (number, unit[value != 1]) if unit else number
