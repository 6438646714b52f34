"""The Music page in a real browser: open it by a link, train, hear a melody (a playable audio), continue one."""

import re

from playwright.sync_api import expect

from tests.e2e.helpers import TRAINING_TIMEOUT_MS, card, no_error_boxes, screenshot

LINK = "Music?archs=lstm,gru&epochs=3&seeds=1&hidden=32"
PLAYABLE = """async (audio) => {
    if (audio.readyState < 1) await new Promise((ok, fail) => {
        audio.addEventListener('loadedmetadata', ok, {once: true});
        audio.addEventListener('error', () => fail(new Error('the audio cannot be decoded')), {once: true});
    });
    audio.muted = true;
    await audio.play();
    await new Promise(ok => setTimeout(ok, 400));
    const heard = {duration: audio.duration, time: audio.currentTime, paused: audio.paused};
    audio.pause();
    return heard;
}"""


def test_music_page_trains_plays_melodies_and_continues_one(page, app_url, screenshots):
    page.goto(f"{app_url}/{LINK}")
    expect(page.get_by_role("heading", name="Music").first).to_be_visible(timeout=60_000)
    expect(page.get_by_text("LSTM · 32 units")).to_be_visible(timeout=60_000)  # sizes, from the link
    page.get_by_role("button", name="Train", exact=True).click()
    expect(page.get_by_text(re.compile(r"after epoch [1-9]")).first).to_be_visible(timeout=TRAINING_TIMEOUT_MS)
    expect(page.get_by_role("heading", name="Results", exact=False)).to_be_visible(timeout=TRAINING_TIMEOUT_MS)
    no_error_boxes(page)

    melody = page.locator(".st-key-music_latest_melodies audio").first
    expect(melody).to_be_attached(timeout=60_000)
    heard = melody.evaluate(PLAYABLE)
    assert heard["duration"] > 5 and heard["time"] > 0 and not heard["paused"], heard  # it plays, for seconds
    expect(page.locator(".st-key-music_latest_melodies [data-testid='stVegaLiteChart'] svg.marks")).to_have_count(2)

    page.get_by_role("button", name="Continue the melody").click()
    expect(page.get_by_text(re.compile(r"wrote \d+ notes in"))).to_be_visible(timeout=60_000)
    expect(page.get_by_role("button", name="Melody (MIDI)")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Melody (MIDI)").click()
    assert download.value.suggested_filename.endswith(".mid")
    assert open(download.value.path(), "rb").read(4) == b"MThd"
    no_error_boxes(page)
    screenshot(page, screenshots / "music.png")
    card(page, page.locator(".st-key-music_latest_melodies"), screenshots / "music_card.png")  # docs/music.png
