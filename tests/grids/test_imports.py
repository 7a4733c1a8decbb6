"""Setting a community up from its spreadsheets: all or nothing, bad rows named by line."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from grids.demo import COMMUNITY, demo_join_code
from grids.models import Community, Grid, Membership, MicroGrid
from residents.models import User

pytestmark = pytest.mark.django_db

STRUCTURE = """community,street,city,grid_number,grid_name,building
南湖社区,东栅街道,嘉兴市,1,第一网格,1幢
南湖社区,东栅街道,嘉兴市,1,第一网格,2幢
南湖社区,东栅街道,嘉兴市,2,第二网格,3幢
"""


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_structure_import_builds_grids_and_buildings_and_is_idempotent(tmp_path):
    path = write(tmp_path, "structure.csv", STRUCTURE)
    call_command("import_structure", str(path), stdout=io.StringIO())
    call_command("import_structure", str(path), stdout=io.StringIO())
    community = Community.objects.get(name="南湖社区")
    assert list(community.grids.values_list("number", "name")) == [(1, "第一网格"), (2, "第二网格")]
    assert MicroGrid.objects.filter(grid__community=community).count() == 3


def test_structure_import_takes_optional_map_points_and_centres_the_community(tmp_path):
    text = """community,street,city,grid_number,grid_name,building,latitude,longitude
南湖社区,东栅街道,嘉兴市,1,第一网格,1幢,30.750000,120.750000
南湖社区,东栅街道,嘉兴市,1,第一网格,2幢,30.752000,120.754000
南湖社区,东栅街道,嘉兴市,2,第二网格,3幢,,
"""
    call_command("import_structure", str(write(tmp_path, "s.csv", text)), stdout=io.StringIO())
    building = MicroGrid.objects.get(label="2幢")
    assert (float(building.latitude), float(building.longitude)) == (30.752, 120.754)
    assert MicroGrid.objects.get(label="3幢").latitude is None
    community = Community.objects.get(name="南湖社区")
    assert (float(community.latitude), float(community.longitude)) == (30.751, 120.752)


@pytest.mark.parametrize("lat,lng", [("91", "120"), ("abc", "120"), ("30.7", ""), ("NaN", "1")])
def test_structure_import_refuses_a_point_off_the_map(tmp_path, lat, lng):
    text = f"""community,street,city,grid_number,grid_name,building,latitude,longitude
南湖社区,东栅街道,嘉兴市,1,第一网格,1幢,{lat},{lng}
"""
    with pytest.raises(CommandError):
        call_command(
            "import_structure",
            str(write(tmp_path, "s.csv", text)),
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    assert not Community.objects.exists()


def test_structure_import_reports_every_bad_row_by_line_and_imports_nothing(tmp_path):
    bad = (
        STRUCTURE
        + "南湖社区,东栅街道,嘉兴市,abc,第三网格,4幢\n"
        + "南湖社区,东栅街道,嘉兴市,1,别的名字,5幢\n"
        + ",,,3,,\n"
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match="3 bad rows; nothing was imported"):
        call_command("import_structure", str(write(tmp_path, "s.csv", bad)), stderr=err)
    report = err.getvalue()
    assert "line 5:" in report and "grid_number" in report
    assert "line 6:" in report and "第一网格" in report
    assert "line 7:" in report
    assert not Community.objects.exists()


def test_structure_import_names_missing_columns(tmp_path):
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_structure", str(write(tmp_path, "s.csv", "community,grid\nx,1\n")), stderr=err
        )
    assert "line 1:" in err.getvalue() and "building" in err.getvalue()


def test_resident_import_creates_accounts_and_places_them(tmp_path):
    call_command("import_structure", str(write(tmp_path, "s.csv", STRUCTURE)), stdout=io.StringIO())
    roster = (
        "phone,display_name,grid_number,building,unit\n"
        "13811110001,1幢王阿姨,1,1幢,101\n"
        "138 1111 0002,,2,3幢,\n"
    )
    call_command("import_residents", str(write(tmp_path, "r.csv", roster)), stdout=io.StringIO())
    call_command("import_residents", str(write(tmp_path, "r.csv", roster)), stdout=io.StringIO())
    wang = User.objects.get(phone="+8613811110001")
    assert wang.display_name == "1幢王阿姨"
    assert not wang.has_usable_password()  # logs in with an SMS code
    membership = Membership.objects.get(user=wang, left_at__isnull=True)
    assert (membership.micro_grid.label, membership.unit) == ("1幢", "101")
    assert User.objects.get(phone="+8613811110002").display_name == "邻居0002"
    assert Membership.objects.count() == 2


def test_resident_import_rejects_the_whole_file_if_any_row_is_bad(tmp_path):
    call_command("import_structure", str(write(tmp_path, "s.csv", STRUCTURE)), stdout=io.StringIO())
    roster = (
        "phone,display_name,grid_number,building\n"
        "13811110001,王阿姨,1,1幢\n"
        "12345,李叔叔,1,1幢\n"
        "13811110003,赵奶奶,9,1幢\n"
        "13811110004,孙姐,1,9幢\n"
        "13811110001,重复,1,2幢\n"
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match="4 bad rows"):
        call_command("import_residents", str(write(tmp_path, "r.csv", roster)), stderr=err)
    report = err.getvalue()
    for line in ("line 3:", "line 4:", "line 5:", "line 6:"):
        assert line in report
    assert "line 2:" not in report
    assert not User.objects.exists()
    assert not Membership.objects.exists()


def test_resident_import_needs_the_community_named_when_there_are_several(tmp_path):
    call_command("import_structure", str(write(tmp_path, "s.csv", STRUCTURE)), stdout=io.StringIO())
    Community.objects.create(name="另一个社区")
    path = write(
        tmp_path, "r.csv", "phone,display_name,grid_number,building\n13811110001,a,1,1幢\n"
    )
    with pytest.raises(CommandError, match="--community"):
        call_command("import_residents", str(path))
    call_command("import_residents", str(path), community="南湖社区", stdout=io.StringIO())
    assert Membership.objects.count() == 1


def test_seed_demo_is_deterministic_idempotent_and_prints_json():
    first = io.StringIO()
    call_command("seed_demo", json=True, stdout=first)
    counts = (
        User.objects.count(),
        Grid.objects.count(),
        MicroGrid.objects.count(),
        Membership.objects.count(),
    )
    second = io.StringIO()
    call_command("seed_demo", json=True, stdout=second)
    assert (
        User.objects.count(),
        Grid.objects.count(),
        MicroGrid.objects.count(),
        Membership.objects.count(),
    ) == counts
    demo = json.loads(first.getvalue())
    assert json.loads(second.getvalue())["accounts"] == demo["accounts"]
    assert [g["join_code"] for g in demo["grids"]] == [demo_join_code(n) for n in range(1, 16)]
    roles = {a["role"] for a in demo["accounts"]}
    assert roles == {
        "admin",
        "cadre",
        "grid_worker",
        "building_head",
        "volunteer",
        "resident",
        "newcomer",
    }
    east = [a for a in demo["accounts"] if a["community"] == COMMUNITY]
    assert Grid.objects.filter(community__name=COMMUNITY).count() == 15
    assert MicroGrid.objects.filter(grid__community__name=COMMUNITY).count() == 150
    assert sum(a["role"] in ("resident", "volunteer") for a in east) == 300


def test_demo_accounts_log_in_with_the_printed_password(client):
    out = io.StringIO()
    call_command("seed_demo", json=True, stdout=out)
    demo = json.loads(out.getvalue())
    cadre = next(a for a in demo["accounts"] if a["role"] == "cadre")
    assert client.login(phone=f"+86{cadre['phone']}", password=cadre["password"])
