def test_role_sheet_shows_missions_to_the_assigned_peer_worker(client, world):
    client.force_login(world.peer_worker)
    response = client.get(world.role.get_absolute_url())
    assert response.status_code == 200
    assert world.mission.title in response.content.decode()
