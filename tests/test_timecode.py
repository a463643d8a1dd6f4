import pytest

from feed_builder.formats import timecode


@pytest.mark.parametrize(("text", "expected"), [
    ("00:00", 0.0), ("05:30", 330.0), ("75:00", 4500.0), ("1:02:03", 3723.0),
    ("01:02:03.5", 3723.5), ("00:00:01.250", 1.25), ("100:00:00", 360000.0),
])
def test_parse_clock(text, expected):
    assert timecode.parse_clock(text) == expected


@pytest.mark.parametrize("text", ["0:5", "5", "00:60", "1:60:00", "00:00:00,5", "00:00.1234", "aa:bb", ""])
def test_parse_clock_rejects(text):
    assert timecode.parse_clock(text) is None


@pytest.mark.parametrize(("text", "expected"), [("00:00:02.500", 2.5), ("02.500", None), ("01:02.003", 62.003),
                                               ("100:00:00.000", 360000.0), ("0:00:01.000", None),
                                               ("00:00:01,000", None), ("00:00:01.5", None)])
def test_parse_vtt(text, expected):
    assert timecode.parse_vtt(text) == expected


@pytest.mark.parametrize(("text", "expected"), [("00:00:02,500", 2.5), ("00:00:02.500", 2.5), ("1:00:00,5", 3600.5),
                                               ("00:02,500", None), ("00:00:6,000", None)])
def test_parse_srt(text, expected):
    assert timecode.parse_srt(text) == expected


def test_formats():
    assert timecode.vtt(3723.5) == "01:02:03.500"
    assert timecode.srt(0.0015) == "00:00:00,002"
    assert timecode.clock(59.9) == "00:00:59"
    assert timecode.clock(59.9996) == "00:01:00"
    assert timecode.vtt(360000) == "100:00:00.000"


@pytest.mark.parametrize("value", [0.0, 0.001, 1.25, 59.999, 3723.5, 86399.999])
def test_round_trip(value):
    assert timecode.parse_vtt(timecode.vtt(value)) == value
    assert timecode.parse_srt(timecode.srt(value)) == value


def test_json_numbers():
    whole, half, sum_ = timecode.json_seconds(5.0), timecode.json_seconds(2.5), timecode.json_seconds(0.1 + 0.2)
    assert whole == 5 and isinstance(whole, int)
    assert half == 2.5
    assert sum_ == 0.3
