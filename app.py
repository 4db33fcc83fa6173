"""`python app.py [--index index] [--host 127.0.0.1] [--port 7860] [--corpus DIR] [--auth FILE|env:VAR]`:
the chat page, exactly as `ofsted-assistant serve`; the page itself is built in assistant/web/page.py."""
from assistant.cli import serve

if __name__ == "__main__":
    serve(prog_name="app.py")
