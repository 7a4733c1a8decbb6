"""What a person sees of a photo: the image arrived and decoded, not a broken icon."""

from playwright.sync_api import Locator, expect


def expect_photo_shown(image: Locator) -> None:
    expect(image).to_have_count(1)
    image.scroll_into_view_if_needed()  # lazy images load once near the viewport
    image.page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle(), timeout=10_000
    )
