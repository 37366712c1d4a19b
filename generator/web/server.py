"""`congvan serve`: the application under uvicorn, one server process (batches and previews in workers)."""

from __future__ import annotations

from generator.web.app import create_app
from generator.web.settings import WebSettings


def serve(settings: WebSettings, host: str = "127.0.0.1", port: int = 8000) -> None:
    import uvicorn

    app = create_app(settings)
    print(f"congvan: trang web tại http://{host}:{port}/ (dữ liệu: {settings.resolved_data}); "
          "dừng bằng Ctrl+C.", flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False, server_header=False,
                date_header=True, timeout_graceful_shutdown=10)
