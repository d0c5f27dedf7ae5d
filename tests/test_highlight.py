import pytest

from recipes.search.highlight import snippet


def test_marks_matching_words_by_prefix_and_escapes_the_rest():
    result = snippet(["Serve <b>hot</b> with Tomatoes & basil."], ["tomato"])
    assert result == "Serve &lt;b&gt;hot&lt;/b&gt; with <mark>Tomatoes</mark> &amp; basil."


def test_matches_fold_accents_but_show_the_original():
    assert snippet(["Une crème brûlée parfaite"], ["creme"]) == "Une <mark>crème</mark> brûlée parfaite"


def test_length_changing_folds_still_line_up():
    # "ß" folds to "ss": positions shift, so the word-by-word path must find the right word.
    assert snippet(["Große Straße mit Tomaten"], ["tomat"]) == "Große Straße mit <mark>Tomaten</mark>"
    assert snippet(["Große Straße"], ["strasse"]) == "Große <mark>Straße</mark>"


def test_length_changing_folds_without_a_match_or_far_apart() -> None:
    """The word-by-word path gives up early (nothing folds to a match) and stops past the window."""
    assert snippet(["Große Straße", "Ｔｏｍａｔｏ soup"], ["tomat"]) == "<mark>Ｔｏｍａｔｏ</mark> soup"
    assert snippet(["Große Straße ohne Treffer"], ["tomat"]) is None
    far = "Straße mit Tomaten " + "und " * 80 + "noch mehr Tomaten"
    result = snippet([far], ["tomat"])
    assert result is not None and result.count("<mark>") == 1 and result.endswith(" …")


def test_only_word_starts_match():
    assert snippet(["potatoes and tomatoes"], ["tom"]) == "potatoes and <mark>tomatoes</mark>"


def test_first_field_with_a_hit_is_used_and_long_text_is_cut_at_spaces():
    text = "word " * 40 + "the tomato here " + "word " * 40
    result = snippet(["nothing here", text], ["tomato"])
    assert result.startswith("… word") and result.endswith("word …")
    assert "<mark>tomato</mark>" in result
    assert len(result) < 200


@pytest.mark.parametrize("words", [[], [""]])
def test_no_words_no_snippet(words):
    assert snippet(["anything"], words) is None


def test_regex_characters_in_words_are_literal():
    assert snippet(["a.b and more"], [".*"]) is None


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Crème Brûlée", "creme brulee"),
        ("Straße", "strasse"),
        ("JALAPEÑO", "jalapeno"),
        ("ﬁne ½", "fine 1⁄2"),
        ("Ｔｏｍａｔｏ", "tomato"),
        ("plain ASCII", "plain ascii"),
        ("Łódź", "łodz"),
    ],
)
def test_fold(text, folded):
    from recipes.search.query_text import fold

    assert fold(text) == folded
