"""The keys lists are sorted by: numbered names in their numbers' order, people by the pinyin of their names;
and the periods of the lists' date filter."""

import datetime

import pytest

from registers.date_range import BadDateRange, read_range
from registers.periods import PRESETS, preset_bounds
from registers.personal_data import ERASED
from registers.sorting import natural_key, pinyin_key

D = datetime.date


def in_natural_order(names):
    return sorted(names, key=natural_key)


def test_grids_sort_by_their_chinese_numbers():
    names = [f"第{n}网格" for n in "一 二 三 四 五 六 七 八 九 十 十一 十二".split()]
    assert in_natural_order(reversed(names)) == names
    # Code-point order, what the lists showed before: 一, 七, 三, 九, 二 …
    assert sorted(names)[:5] == ["第一网格", "第七网格", "第三网格", "第九网格", "第二网格"]


def test_teams_sort_by_their_chinese_numbers_up_to_ninety_nine():
    names = [f"{n}队" for n in "一 二 九 十 十一 十二 十九 二十 二十一 九十九".split()]
    assert in_natural_order(reversed(names)) == names


def test_buildings_sort_by_their_arabic_and_full_width_numbers():
    names = ["1号楼", "2号楼", "３号楼", "3-2号楼", "3-10号楼", "4号楼", "10号楼", "12号楼"]
    assert in_natural_order(reversed(names)) == names
    assert natural_key("3-2号楼") == "00000310000020号楼"
    assert natural_key("１２号楼") == natural_key("12号楼")


def test_a_name_written_with_either_kind_of_number_has_the_same_key():
    assert natural_key("第十二网格") == natural_key("第12网格") == "第0000120网格"


def test_names_without_numbers_keep_their_order_and_spelling():
    assert natural_key("家风家训馆") == "家风家训馆"
    assert natural_key(" 党群服务中心 ") == "党群服务中心"
    assert natural_key("") == ""
    # No number in 十十: left as written rather than guessed.
    assert natural_key("十十队") == "十十队"


def test_people_sort_by_the_pinyin_of_their_names():
    assert pinyin_key("丁桂珍") == "ding gui zhen"
    names = ["王芳", "丁桂珍", "阿依古丽", "张秀英", "李建国", "陈秀兰"]
    assert sorted(names, key=pinyin_key) == ["阿依古丽", "陈秀兰", "丁桂珍", "李建国", "王芳", "张秀英"]


def test_a_pinyin_key_of_letters_is_lowercase_and_of_an_erased_name_empty():
    assert pinyin_key("Amy 王") == "amy wang"
    assert pinyin_key(ERASED) == ""
    assert pinyin_key("") == ""


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (
            D(2018, 4, 1),  # the first day of a quarter
            {
                "this_month": (D(2018, 4, 1), D(2018, 4, 30)),
                "last_month": (D(2018, 3, 1), D(2018, 3, 31)),
                "this_quarter": (D(2018, 4, 1), D(2018, 6, 30)),
                "last_quarter": (D(2018, 1, 1), D(2018, 3, 31)),
                "this_year": (D(2018, 1, 1), D(2018, 12, 31)),
                "last_year": (D(2017, 1, 1), D(2017, 12, 31)),
            },
        ),
        (
            D(2019, 1, 1),  # the first day of a year
            {
                "this_month": (D(2019, 1, 1), D(2019, 1, 31)),
                "last_month": (D(2018, 12, 1), D(2018, 12, 31)),
                "this_quarter": (D(2019, 1, 1), D(2019, 3, 31)),
                "last_quarter": (D(2018, 10, 1), D(2018, 12, 31)),
                "this_year": (D(2019, 1, 1), D(2019, 12, 31)),
                "last_year": (D(2018, 1, 1), D(2018, 12, 31)),
            },
        ),
        (
            D(2020, 3, 31),  # the last day of a quarter, a leap year
            {
                "this_month": (D(2020, 3, 1), D(2020, 3, 31)),
                "last_month": (D(2020, 2, 1), D(2020, 2, 29)),
                "this_quarter": (D(2020, 1, 1), D(2020, 3, 31)),
                "last_quarter": (D(2019, 10, 1), D(2019, 12, 31)),
                "this_year": (D(2020, 1, 1), D(2020, 12, 31)),
                "last_year": (D(2019, 1, 1), D(2019, 12, 31)),
            },
        ),
    ],
)
def test_the_date_filters_periods_at_month_quarter_and_year_boundaries(today, expected):
    assert {key: preset_bounds(key, today) for key in PRESETS} == expected


@pytest.mark.parametrize(
    ("start", "end", "excluded", "days"),
    [
        ("2018-06-01", "2018-06-30", None, (D(2018, 6, 1), D(2018, 6, 30))),
        ("2018-06-01", None, "2018-07-01", (D(2018, 6, 1), D(2018, 6, 30))),
        ("2018-06-01", None, None, (D(2018, 6, 1), None)),
        (None, "2018-06-30", None, (None, D(2018, 6, 30))),
        ("2018-06-01", "2018-06-01", None, (D(2018, 6, 1), D(2018, 6, 1))),
    ],
)
def test_a_typed_range_reads_as_days(start, end, excluded, days):
    assert read_range(start, end, excluded) == days


@pytest.mark.parametrize(
    ("start", "end"),
    [("2018-07-01", "2018-06-01"), ("2018-13-01", None), ("上个月", None), (None, "2018-02-30")],
)
def test_a_range_that_is_no_range_is_refused(start, end):
    with pytest.raises(BadDateRange):
        read_range(start, end)
