import pytest
from django.db import IntegrityError, transaction

from core.errors import NotAllowed
from core.models import AccessLog
from grids.errors import (
    JoinCodeInvalid,
    MembershipClosed,
    MicroGridInvalid,
    OutOfScope,
    RoleInvalid,
)
from grids.models import Membership, Role, RoleGrant
from grids.services import places as services
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_joining_with_the_grids_code_makes_a_member_of_the_chosen_building(world):
    newcomer = UserFactory()
    building = world.buildings["a"][1]

    membership = services.grid_join(
        user=newcomer, code=world.grid_a.join_code, micro_grid_id=building.pk, unit=" 502 "
    )

    assert membership.grid == world.grid_a
    assert membership.micro_grid == building
    assert membership.unit == "502"
    assert membership.verified_at is None


def test_join_code_is_read_without_case_spaces_or_dashes(world):
    code = world.grid_a.join_code
    typed = f" {code[:4].lower()}-{code[4:]} "
    membership = services.grid_join(
        user=UserFactory(), code=typed, micro_grid_id=world.buildings["a"][0].pk
    )
    assert membership.grid == world.grid_a


def test_unknown_join_code_is_refused_with_a_clear_code(world):
    with pytest.raises(JoinCodeInvalid) as error:
        services.grid_join(
            user=UserFactory(), code="NOPE2345", micro_grid_id=world.buildings["a"][0].pk
        )
    assert error.value.code == "grid_join_code_invalid"
    assert error.value.status == 404


def test_a_rotated_code_no_longer_works_but_the_new_one_does(world):
    old = world.grid_a.join_code
    grid = services.grid_join_code_rotate(actor=world.worker_a, grid_id=world.grid_a.pk)
    assert grid.join_code != old

    with pytest.raises(JoinCodeInvalid):
        services.grid_join(user=UserFactory(), code=old, micro_grid_id=world.buildings["a"][0].pk)
    membership = services.grid_join(
        user=UserFactory(), code=grid.join_code, micro_grid_id=world.buildings["a"][0].pk
    )
    assert membership.grid_id == world.grid_a.pk


def test_a_building_of_another_grid_is_refused(world):
    with pytest.raises(MicroGridInvalid):
        services.grid_join(
            user=UserFactory(),
            code=world.grid_a.join_code,
            micro_grid_id=world.buildings["b"][0].pk,
        )
    assert not Membership.objects.filter(
        micro_grid=world.buildings["b"][0], user__display_name=""
    ).exists()


def test_moving_closes_the_old_membership_and_keeps_it_as_history(world):
    user = world.resident_a
    old = user.memberships.get(left_at__isnull=True)

    new = services.grid_join(
        user=user, code=world.grid_b.join_code, micro_grid_id=world.buildings["b"][0].pk
    )

    old.refresh_from_db()
    assert old.left_at is not None
    assert old.left_reason == Membership.LeftReason.MOVED
    assert new.left_at is None
    assert list(user.memberships.order_by("joined_at", "id")) == [old, new]


def test_joining_the_same_building_again_changes_nothing(world):
    user = world.resident_a
    current = user.memberships.get(left_at__isnull=True)
    again = services.grid_join(
        user=user, code=world.grid_a.join_code, micro_grid_id=current.micro_grid_id
    )
    assert again.pk == current.pk
    assert user.memberships.count() == 1


def test_the_database_refuses_two_open_memberships_for_one_person(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        MembershipFactory(user=world.resident_a, micro_grid=world.buildings["b"][0])


def test_grid_worker_verifies_a_member_of_their_grid_and_it_is_logged(world):
    membership = world.members["a"][0]
    verified = services.membership_verify(actor=world.worker_a, membership_id=membership.pk)
    assert verified.verified_at is not None
    assert verified.verified_by == world.worker_a
    log = AccessLog.objects.get(action="membership.verified")
    assert log.actor == world.worker_a
    assert log.subject == membership.user


@pytest.mark.parametrize(
    ("actor_name", "refusal"),
    [
        ("worker_b", OutOfScope),
        ("worker_c", OutOfScope),
        ("cadre_west", OutOfScope),
        ("outsider", OutOfScope),
        ("resident_a2", NotAllowed),
    ],
)
def test_nobody_outside_the_grids_staff_can_verify(world, actor_name, refusal):
    membership = world.members["a"][0]
    with pytest.raises(refusal):
        services.membership_verify(actor=getattr(world, actor_name), membership_id=membership.pk)
    membership.refresh_from_db()
    assert membership.verified_at is None


def test_cadre_of_the_community_can_verify_and_remove_in_any_of_its_grids(world):
    services.membership_verify(actor=world.cadre_east, membership_id=world.members["b"][0].pk)
    removed = services.membership_remove(
        actor=world.cadre_east, membership_id=world.members["a"][1].pk, reason="已搬走"
    )
    assert removed.left_reason == Membership.LeftReason.REMOVED
    assert removed.removed_by == world.cadre_east
    assert AccessLog.objects.filter(action="membership.removed", detail__reason="已搬走").exists()


def test_a_removed_membership_cannot_be_verified_or_removed_again(world):
    membership = world.members["a"][0]
    services.membership_remove(actor=world.worker_a, membership_id=membership.pk)
    with pytest.raises(MembershipClosed):
        services.membership_verify(actor=world.worker_a, membership_id=membership.pk)
    with pytest.raises(MembershipClosed):
        services.membership_remove(actor=world.worker_a, membership_id=membership.pk)


def test_only_grid_staff_rotate_the_join_code(world):
    old = world.grid_a.join_code
    for actor, refusal in (
        (world.resident_a, NotAllowed),
        (world.worker_b, OutOfScope),
        (world.cadre_west, OutOfScope),
    ):
        with pytest.raises(refusal):
            services.grid_join_code_rotate(actor=actor, grid_id=world.grid_a.pk)
    world.grid_a.refresh_from_db()
    assert world.grid_a.join_code == old
    services.grid_join_code_rotate(actor=world.cadre_east, grid_id=world.grid_a.pk)
    world.grid_a.refresh_from_db()
    assert world.grid_a.join_code != old


def test_cadre_appoints_volunteer_grid_worker_and_building_head_in_their_community(world):
    person = world.resident_a
    services.role_grant(
        actor=world.cadre_east, user=person, role=Role.VOLUNTEER, community=world.east
    )
    services.role_grant(
        actor=world.cadre_east,
        user=person,
        role=Role.BUILDING_HEAD,
        community=world.east,
        micro_grid=world.buildings["a"][0],
    )
    services.role_grant(
        actor=world.cadre_east,
        user=world.resident_a2,
        role=Role.GRID_WORKER,
        community=world.east,
        grid=world.grid_b,
    )
    assert (
        RoleGrant.objects.filter(user=person, role=Role.VOLUNTEER, revoked_at__isnull=True).count()
        == 1
    )
    world.buildings["a"][0].refresh_from_db()
    world.grid_b.refresh_from_db()
    assert world.buildings["a"][0].building_head == person
    assert world.grid_b.grid_worker == world.resident_a2
    assert AccessLog.objects.filter(action="role.granted").count() == 3


def test_granting_the_same_role_twice_keeps_one_active_grant(world):
    for _ in range(2):
        services.role_grant(
            actor=world.cadre_east, user=world.resident_a, role=Role.VOLUNTEER, community=world.east
        )
    assert RoleGrant.objects.filter(user=world.resident_a, role=Role.VOLUNTEER).count() == 1


@pytest.mark.parametrize(
    ("actor_name", "refusal"),
    [("cadre_west", OutOfScope), ("worker_a", NotAllowed), ("resident_a2", NotAllowed)],
)
def test_only_the_communitys_cadres_grant_roles(world, actor_name, refusal):
    with pytest.raises(refusal):
        services.role_grant(
            actor=getattr(world, actor_name),
            user=world.resident_a,
            role=Role.CADRE,
            community=world.east,
        )
    assert not RoleGrant.objects.filter(user=world.resident_a).exists()


def test_a_grid_worker_role_must_name_a_grid_of_that_community(world):
    with pytest.raises(RoleInvalid):
        services.role_grant(
            actor=world.cadre_east,
            user=world.resident_a,
            role=Role.GRID_WORKER,
            community=world.east,
            grid=world.grid_c,
        )
    world.grid_c.refresh_from_db()
    assert world.grid_c.grid_worker == world.worker_c


def test_revoking_a_role_keeps_the_grant_as_history(world):
    services.role_grant(
        actor=world.cadre_east, user=world.resident_a, role=Role.VOLUNTEER, community=world.east
    )
    services.role_revoke(
        actor=world.cadre_east, user=world.resident_a, role=Role.VOLUNTEER, community=world.east
    )
    grant = RoleGrant.objects.get(user=world.resident_a)
    assert grant.revoked_at is not None
    assert grant.revoked_by == world.cadre_east
