import socket

import pytest

from deploy.local import demo


def test_a_busy_port_is_a_message_before_anything_starts(monkeypatch):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        monkeypatch.setattr(demo, "PORT", taken.getsockname()[1])

        with pytest.raises(SystemExit) as stopped:
            demo.main()

    assert "is in use" in str(stopped.value.code)
    assert "KABINET_PORT" in str(stopped.value.code)
