// Names of functions that only forward to the allocator, as the name
// section, DWARF or a symbol map spell them (mangled or demangled): their
// frames are folded, and an allocation's site is the first frame outside
// them. Used by the rewriter (src/wasm/fold.ts, with a structural rule for
// modules without names) and by the page when it marks a stack's frames.
const WRAPPER_NAMES = new RegExp(
  [
    '^_Zn[wa][jm]', // operator new / new[] (all variants: nothrow, align_val_t)
    '^operator new', // demangled by emscripten's name section
    '^__rust_(alloc|alloc_zeroed|realloc)$',
    '^__r[dg]l?_(alloc|alloc_zeroed|realloc)$',
    'raw_vec',
    'RawVec',
    'finish_grow',
    'reserve_for_push',
    'do_reserve_and_handle',
    'grow_amortized',
    'allocate_in',
    'alloc::alloc::',
    '5alloc5alloc',
    'exchange_malloc',
    '^x(malloc|calloc|realloc|zalloc|strdup|strndup|memdup)$',
    '^emscripten_builtin_',
    '^sqlite3(Malloc|MallocZero|DbMalloc\\w*|MemMalloc|MemRealloc|Realloc|DbRealloc\\w*|DbStrDup|DbStrNDup)$',
    '^dbMallocRawFinish$',
    '^__wbindgen_(malloc|realloc)$',
    '__libcpp_allocate',
    'allocator<.*>::allocate',
    '__allocate_at_least',
    '9allocatorI.*8allocate',
  ].join('|'),
);

/** Whether a frame with this name (raw or demangled) is an allocator wrapper by name. */
export function isAllocatorWrapperName(name: string): boolean {
  return WRAPPER_NAMES.test(name);
}
