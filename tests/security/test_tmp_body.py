import httpx
async def test_body(client, app):
    limit = app.state.ctx.settings.max_body_bytes
    async def gen():
        for _ in range(limit // 1000 + 10):
            yield b"x" * 1000
    r = await client.post("/auth/register", content=gen(), headers={"content-type": "application/json"})
    print("STREAMED", r.status_code, r.text[:200], dict(r.headers))
    r = await client.post("/auth/register", content=b"x" * (limit + 1), headers={"content-type": "application/json"})
    print("DECLARED", r.status_code, r.text[:200], dict(r.headers))
