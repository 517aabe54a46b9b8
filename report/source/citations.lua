-- Pandoc's writer for the builder's citations (pandoc --citeproc ... -t citations.lua).
-- The input holds one top-level paragraph per slot, in document order:
--   * a cluster of the running text, alone in its paragraph: [see @a, p. 3; @b]  or  @a [p. 3]
--   * an author's footnote: "x[^nK]" whose definition holds one paragraph per cluster in it (or "x")
-- Output JSON: {"slots": [...], "bibliography": [{"key", "html"}], "csl": CSL JSON of the cited entries},
-- a text slot {"kind":"text","keys":[..],"text":HTML,"note":HTML-or-null},
-- a note slot {"kind":"note","cites":[{"keys":[..],"text":HTML}]}.
local function html_inlines(inls)
  return pandoc.write(pandoc.Pandoc({pandoc.Plain(inls)}), 'html', {wrap_text = 'none'})
end

local function html_blocks(blocks)
  if #blocks == 1 and (blocks[1].t == 'Para' or blocks[1].t == 'Plain') then
    return html_inlines(blocks[1].content)
  end
  return pandoc.write(pandoc.Pandoc(blocks), 'html', {wrap_text = 'none'})
end

-- the formatted cluster held by some inlines: keys, in-text HTML, note HTML
-- (only the citation's own inlines: an author's note holds "x [@a] x", so that Pandoc sets it
-- as a citation inside a note, and the x's are dropped here)
local function cluster(inls)
  local keys, notes, text = {}, {}, pandoc.Inlines{}
  inls:walk {
    Cite = function(c)
      for _, ci in ipairs(c.citations) do table.insert(keys, ci.id) end
      text:extend(c.content)  -- without pandoc's <span class="citation">
    end,
  }
  text = text:walk { Note = function(n) table.insert(notes, html_blocks(n.content)); return {} end }
  return {keys = keys, text = html_inlines(text),
          note = (#notes > 0) and table.concat(notes, ' ') or pandoc.json.null}
end

function Writer(doc, opts)
  local slots, bib = {}, {}
  for _, b in ipairs(doc.blocks) do
    if b.t == 'Para' then
      local note = nil
      for _, il in ipairs(b.content) do if il.t == 'Note' then note = il end end
      if note then
        local cites = {}
        for _, nb in ipairs(note.content) do
          if nb.t == 'Para' or nb.t == 'Plain' then
            local c = cluster(nb.content); c.note = nil
            if #c.keys > 0 then table.insert(cites, c) end
          end
        end
        table.insert(slots, {kind = 'note', cites = cites})
      else
        local c = cluster(b.content); c.kind = 'text'
        table.insert(slots, c)
      end
    elseif b.t == 'Div' and b.identifier == 'refs' then
      b:walk { Div = function(d)
        local key = d.identifier:match('^ref%-(.+)$')
        if key then table.insert(bib, {key = key, html = html_blocks(d.content)}) end
      end }
    end
  end
  local cited = pandoc.Pandoc({}, {references = pandoc.utils.references(doc)})
  return pandoc.json.encode({slots = slots, bibliography = bib, csl = pandoc.write(cited, 'csljson')}) .. '\n'
end
