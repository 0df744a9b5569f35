import pytest

from detente.model import Article
from detente.stages import clean


def cleaned(raw, media_type="text"):
    return clean.run(Article(raw=raw, media_type=media_type))


def test_page_furniture_is_cut():
    article = cleaned("Title line\n\nBody sentence.\n\nComments\n\nPopular posts from this blog\n\nOther story")
    assert article.text == "Title line\n\nBody sentence."
    assert article.title == "Title line"


@pytest.mark.parametrize("line", ["Share this article", "Related articles", "Leave a comment", "3 Comments", "Tags: politics"])
def test_furniture_variants(line):
    assert line not in cleaned(f"Body sentence.\n\n{line}\n\nMore").text


def test_identity_ignores_whitespace_only_differences():
    assert cleaned("A  text.\r\nMore.").id == cleaned("A text.\nMore.").id


def test_html_is_extracted():
    html = """<html><head><title>Seoul protests</title><meta property="article:published_time" content="2024-06-21"></head>
    <body><nav>Home | World</nav><article><h1>Seoul protests</h1><p>South Korea summoned the Russian ambassador on Friday
    to lodge a formal protest over the new defence pact with North Korea, officials said.</p>
    <p>The foreign ministry said the agreement threatened regional security and violated sanctions.</p></article>
    <footer>Comments</footer></body></html>"""
    article = cleaned(html)
    assert article.media_type == "html"
    assert "summoned the Russian ambassador" in article.text
    assert "Home | World" not in article.text
