"""Where people are shown, the portal names them (``quanzhou_women.lib.people.person_name``)."""

import re


def test_a_history_names_the_people_who_changed_a_record(portal_cast, client):
    names = {}
    for index, user in enumerate(u for u in portal_cast.users.values() if u is not None):
        user.first_name = f"张{'一二三四五六七八九十'[index % 10]}{index}"
        user.save(update_fields=["first_name"])
        names[user.username] = user.first_name
    client.force_login(portal_cast.users["superuser"])
    assignment = portal_cast.assignments["A1"]

    html = client.get(f"/admin/projects/assignment/{assignment.pk}/history/").content.decode()

    who = re.findall(r"<tr>\s*<td>[^<]*</td>\s*<td>([^<]*)</td>", html)
    assert who, "no history rows"
    assert all(cell in {*names.values(), "系统"} for cell in who), who
    assert set(who) & set(names.values())
