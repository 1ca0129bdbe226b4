-- wrk script: POST the file named by the first script argument with the content type
-- given as the second, e.g. wrk -s post.lua URL -- digit.png image/png
local req

function init(args)
  local f = assert(io.open(args[1], "rb"))
  local body = f:read("*all")
  f:close()
  req = wrk.format("POST", nil, { ["Content-Type"] = args[2] }, body)
end

function request()
  return req
end
