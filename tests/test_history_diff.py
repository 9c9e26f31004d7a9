"""The history marks what changed inside a long text."""

from quanzhou_women.lib.history_diff import text_diff


def test_a_one_character_change_in_a_long_goal_is_marked():
    old = "培育妇女议事制、妇女信访代理制/协理制和妇女互助制试点至少2个，探索创新"
    new = old.replace("至少2个", "至少3个")
    assert text_diff(old, new) == old.replace("至少2个", "至少<del>2</del><ins>3</ins>个")


def test_short_values_read_old_arrow_new():
    assert text_diff("2014-06-30", "2014-07-31") == "2014-06-30 → 2014-07-31"
    assert text_diff(None, "张三") == "（空） → 张三"


def test_marked_text_is_escaped():
    old = "一段足够长的文字，用来测试转义是否正确处理<b>"
    assert "&lt;script&gt;" in text_diff(old, old + "<script>")
    assert "<script>" not in text_diff(old, old + "<script>")
