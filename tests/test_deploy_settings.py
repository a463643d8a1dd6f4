"""`[deploy]` and `[notify]` in podcast.toml: each bad value is a problem with its line and field."""
from __future__ import annotations

from pathlib import Path

import pytest

from feed_builder.core.errors import PodcastError
from feed_builder.show.settings import load_show

GOOD = '[deploy]\ntarget = "s3://my-bucket/shows/4min"\n'


def problems(root: Path, tables: str) -> list[str]:
    toml = root / "podcast.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + "\n" + tables, encoding="utf-8")
    with pytest.raises(PodcastError) as e:
        load_show(root)
    return [str(p) for p in e.value.problems]


@pytest.mark.parametrize(("tables", "field", "found"), [
    ('[deploy]\ntarget = "https://my-bucket/x"\n', "deploy.target", "is not an S3 location"),
    ('[deploy]\ntarget = "s3://My_Bucket"\n', "deploy.target", "is not an S3 location"),
    ('[deploy]\ntarget = "s3://my-bucket/a/../b"\n', "deploy.target", "is not an S3 location"),
    ('[deploy]\ntarget = 3\n', "deploy.target", "is not text"),
    (GOOD + 'endpoint_url = "ftp://storage.example.com"\n', "deploy.endpoint_url", "is not a service address"),
    (GOOD + 'endpoint_url = "https://storage.example.com/bucket"\n', "deploy.endpoint_url", "without a path"),
    (GOOD + 'region = "US East"\n', "deploy.region", "is not a region name"),
    (GOOD + 'max_deletes = -1\n', "deploy.max_deletes", "out of range"),
    (GOOD + 'max_deletes = "all"\n', "deploy.max_deletes", "is not a whole number"),
    (GOOD + 'grace_days = 1.5\n', "deploy.grace_days", "is not a whole number"),
    (GOOD + 'bucket = "x"\n', "deploy.bucket", "unknown key"),
    ('[notify]\nwebsub_hubs = "https://hub.example.com/"\n', "notify.websub_hubs", "is not a list of URLs"),
    ('[notify]\nwebsub_hubs = ["hub.example.com"]\n', "notify.websub_hubs", "is not a hub URL"),
    ('[notify]\npodcast_index = "yes"\n', "notify.podcast_index", "is not a boolean"),
    ('[notify]\npodping = 1\n', "notify.podping", "is not a boolean"),
    ('[notify]\ntoken = "secret"\n', "notify.token", "unknown key"),
])
def test_each_bad_value_is_a_problem_on_its_line(sample_show: Path, tables: str, field: str, found: str):
    lines = (sample_show / "podcast.toml").read_text(encoding="utf-8").count("\n") + 1
    [message] = problems(sample_show, tables)
    where, name, text = message.split(": ", 2)
    assert name == field and found in text and "(expected" in text
    assert int(where.rsplit(":", 1)[1]) > lines  # in the appended tables, not the file's start


def test_a_deploy_key_that_is_no_table_is_a_problem(sample_show: Path):
    toml = sample_show / "podcast.toml"
    toml.write_text('deploy = "s3://my-bucket"\n' + toml.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(PodcastError) as e:
        load_show(sample_show)
    assert [str(p).split(":", 1)[1] for p in e.value.problems] == [
        "1: deploy: is not a table (expected a [deploy] section)"]


def test_good_settings_are_read(sample_show: Path):
    toml = sample_show / "podcast.toml"
    toml.write_text(toml.read_text() + "\n" + GOOD + 'endpoint_url = "http://127.0.0.1:9000"\nregion = "auto"\n'
                    'max_deletes = 0\ngrace_days = 0\n[notify]\nwebsub_hubs = ["https://pubsubhubbub.appspot.com/"]\n'
                    'podcast_index = true\n')
    deploy = load_show(sample_show).deploy
    assert (deploy.bucket, deploy.prefix, deploy.endpoint_url, deploy.region) == \
        ("my-bucket", "shows/4min/", "http://127.0.0.1:9000", "auto")
    assert (deploy.max_deletes, deploy.grace_days) == (0, 0)
    assert deploy.notify.websub_hubs == ("https://pubsubhubbub.appspot.com/",) and deploy.notify.podcast_index
    assert not deploy.notify.podping
