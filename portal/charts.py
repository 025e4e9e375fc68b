"""Server-drawn SVG bar charts. Each chart is a picture for those who can see it; the numbers are always also
in a table beside it, so the chart itself is marked as an image with a text summary."""

from markupsafe import Markup, escape

COLOURS = ("#1d70b8", "#f47738", "#00703c", "#4c2c92", "#d4351c", "#505a5f")
WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 640, 260, 48, 48, 16


def bar_chart(title, categories, series, unit=""):
    """Grouped bars: `series` is [(name, [value per category])]. Returns SVG markup."""
    peak = max([v for _, values in series for v in values if v is not None] + [0]) or 1
    plot_width, plot_height = WIDTH - LEFT - 8, HEIGHT - TOP - BOTTOM
    slot = plot_width / max(len(categories), 1)
    bar = min(slot * 0.8 / max(len(series), 1), 40)
    parts = [
        '<svg class="chart" viewBox="0 0 %d %d" role="img" aria-label="%s" focusable="false">'
        % (WIDTH, HEIGHT, escape("%s (the numbers are in the table)" % title))
    ]
    for step in range(5):
        value = peak * step / 4
        y = TOP + plot_height - plot_height * step / 4
        parts.append('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" class="chart__grid"/>' % (LEFT, WIDTH - 8, y, y))
        parts.append(
            '<text x="%d" y="%.1f" class="chart__axis" text-anchor="end">%s</text>'
            % (LEFT - 6, y + 4, escape(_number(value) + unit))
        )
    for index, category in enumerate(categories):
        x0 = LEFT + slot * index + (slot - bar * len(series)) / 2
        for number, (_, values) in enumerate(series):
            value = values[index] or 0
            height = plot_height * value / peak
            parts.append(
                '<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>'
                % (x0 + bar * number, TOP + plot_height - height, bar - 2, height, COLOURS[number % 6])
            )
        parts.append(
            '<text x="%.1f" y="%d" class="chart__axis" text-anchor="middle">%s</text>'
            % (LEFT + slot * (index + 0.5), HEIGHT - BOTTOM + 18, escape(category))
        )
    for number, (name, _) in enumerate(series):
        x = LEFT + number * 170
        parts.append('<rect x="%d" y="%d" width="12" height="12" fill="%s"/>' % (x, HEIGHT - 16, COLOURS[number % 6]))
        parts.append('<text x="%d" y="%d" class="chart__legend">%s</text>' % (x + 16, HEIGHT - 6, escape(name)))
    parts.append("</svg>")
    return Markup("".join(parts))


def _number(value):
    return "%d" % value if value >= 10 or value == int(value) else "%.1f" % value
