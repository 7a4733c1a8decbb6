LARGE_TEXT_COOKIE = "large_text"


def display_preferences(request):
    """Large-text mode is a per-device choice (a cookie), so it works before login."""
    return {"large_text": request.COOKIES.get(LARGE_TEXT_COOKIE) == "1"}
