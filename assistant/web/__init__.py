"""The chat page for managers: a Gradio app over `assistant.api.Assistant`.

Modules: `render` (answers and pages to escaped HTML), `sources` (original files and page images),
`export` (Markdown and DOCX), `auth` (login file parsing), `page` (the Blocks) and `server` (launching).
Gradio is imported only by `page` and `server`, so the rest stays cheap to import and test.
"""
