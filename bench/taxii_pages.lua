-- bench/taxii_pages.lua - wrk walks a TAXII 2.1 collection page by page.
--
-- Each wrk thread follows the collection's `next` links with limit=100,
-- as a partner's client does, and starts over at the first page when the
-- last one is reached, so every request is a real page of the collection
-- and not one cached answer. Set by bench/taxii through the environment:
--   TAXII_PATH   /api/collections/<id>/objects/
--   TAXII_AUTH   the Authorization header value
local path = os.getenv("TAXII_PATH")
local auth = os.getenv("TAXII_AUTH")
local next_token = nil

wrk.headers["Accept"] = "application/taxii+json;version=2.1"
wrk.headers["Authorization"] = auth

request = function()
    local q = "?limit=100"
    if next_token then
        q = q .. "&next=" .. next_token
    end
    return wrk.format("GET", path .. q)
end

response = function(status, headers, body)
    if status ~= 200 then
        next_token = nil
        return
    end
    -- tix writes "more" and "next" after the objects: look at the tail only
    next_token = string.match(string.sub(body, -256), '"next"%s*:%s*"([^"]+)"')
end
