#!/usr/bin/env python3
"""Expected symbolization of the DWARF fixtures, from LLVM 14's own tools.

Run once after `bash e2e/fixtures/build.sh` (needs wabt's wasm-objdump and
llvm-symbolizer-14); the JSON it writes is committed, so the tests never need
the toolchain. For each fixture: every call instruction and every 23rd
instruction, as [moduleOffset, funcIndex, frames], frames innermost first as
[function, fileIndex, line, column] (file paths in `files`).
"""
import json, os, re, subprocess, sys

here = os.path.dirname(os.path.abspath(__file__))
wasm_dir = os.path.join(here, '../../../e2e/site/wasm')
FIXTURES = ['leak-wasi-O0.wasm', 'leak-wasi-O2.wasm', 'leak-wasi-dwarf5.wasm', 'leak-cpp-O0.wasm', 'leak-cpp-O2.wasm']

def code_start(path):
    out = subprocess.check_output(['wasm-objdump', '-h', path], text=True)
    return int(re.search(r'Code start=0x([0-9a-f]+)', out).group(1), 16)

def instructions(path):
    out = subprocess.check_output(['wasm-objdump', '-d', path], text=True)
    func, rows, n = -1, [], 0
    for line in out.splitlines():
        m = re.match(r'^([0-9a-f]+) func\[(\d+)\]', line)
        if m:
            func = int(m.group(2)); continue
        m = re.match(r'^ ([0-9a-f]+): [0-9a-f ]+\| (.*)$', line)
        if not m or func < 0: continue
        text = m.group(2).strip()
        if text.startswith('local['): continue
        n += 1
        if text.startswith('call') or n % 23 == 0:
            rows.append((int(m.group(1), 16), func))
    return rows

for name in FIXTURES:
    path = os.path.join(wasm_dir, name)
    base = code_start(path)
    rows = instructions(path)
    addrs = '\n'.join(hex(off - base) for off, _ in rows) + '\n'
    out = subprocess.run(['llvm-symbolizer-14', '--obj=' + path, '--inlining', '--demangle'], input=addrs,
                         capture_output=True, text=True, check=True).stdout
    groups = out.strip('\n').split('\n\n')
    assert len(groups) == len(rows), (name, len(groups), len(rows))
    files, file_ids, cases = [], {}, []
    for (off, func), g in zip(rows, groups):
        lines = g.split('\n')
        frames = []
        for i in range(0, len(lines), 2):
            fn, loc = lines[i], lines[i + 1]
            if fn == '??': frames = []; break
            f, line, col = loc.rsplit(':', 2)
            if f not in file_ids: file_ids[f] = len(files); files.append(f)
            frames.append([fn, file_ids[f], int(line), int(col)])
        if frames: cases.append([off, func, frames])
    with open(os.path.join(here, name.replace('.wasm', '.symbolizer.json')), 'w') as fp:
        json.dump({'generatedBy': 'llvm-symbolizer-14 --inlining --demangle (generate.py)', 'codeStart': base,
                   'files': files, 'cases': cases}, fp, separators=(',', ':'))
    print(name, len(cases), 'cases,', len(files), 'files')
