import { describe, expect, it } from 'vitest';
import { demangle } from './demangle';

// Expected values from llvm-cxxfilt-14 (C++ and Rust v0); Rust legacy names lose
// their hash like rustc-demangle's alternate form ({:#}).
const CPP: [string, string][] = [
  ['_Z1fILi5EEvv', 'void f<5>()'],
  ['_Z1fv.cold', 'f() (.cold)'],
  ['_Z1gIJidEEvDpT_', 'void g<int, double>(int, double)'],
  ['_Z3fooPA10_i', 'foo(int (*) [10])'],
  ['_Z3maxIiET_S0_S0_', 'int max<int>(int, int)'],
  ['_ZL6helperi', 'helper(int)'],
  ['_ZN12_GLOBAL__N_14workEv', '(anonymous namespace)::work()'],
  ['_ZN2ns1fEPKcRKSsPFviE', 'ns::f(char const*, std::string const&, void (*)(int))'],
  ['_ZN3foo3BarC2Ev', 'foo::Bar::Bar()'],
  ['_ZN3foo3BarD0Ev', 'foo::Bar::~Bar()'],
  ['_ZN3fooclEv', 'foo::operator()()'],
  ['_ZN5leaks10make_arrayIdEEPT_i', 'double* leaks::make_array<double>(int)'],
  ['_ZN5leaks10make_arrayIiEEPT_i', 'int* leaks::make_array<int>(int)'],
  ['_ZN5leaks11leak_widgetEi', 'leaks::leak_widget(int)'],
  ['_ZN5leaks4PoolINS_6WidgetEE4makeEi', 'leaks::Pool<leaks::Widget>::make(int)'],
  ['_ZN5leaks4PoolINS_6WidgetEEC2Ev', 'leaks::Pool<leaks::Widget>::Pool()'],
  ['_ZN5leaks4makeINS_4PoolIiEEEEPT_i', 'leaks::Pool<int>* leaks::make<leaks::Pool<int> >(int)'],
  ['_ZN5leaks6WidgetC2Ei', 'leaks::Widget::Widget(int)'],
  ['_ZN5leaksL4keptE', 'leaks::kept'],
  ['_ZN9__gnu_cxx13new_allocatorIcE8allocateEmPKv', '__gnu_cxx::new_allocator<char>::allocate(unsigned long, void const*)'],
  ['_ZNK3foo3barEv', 'foo::bar() const'],
  ['_ZNK5leaks4PoolIiEcvbEv', 'leaks::Pool<int>::operator bool() const'],
  ['_ZNSt3__16vectorIiNS_9allocatorIiEEE9push_backERKi', 'std::__1::vector<int, std::__1::allocator<int> >::push_back(int const&)'],
  ['_ZNSt6vectorIiSaIiEE9push_backERKi', 'std::vector<int, std::allocator<int> >::push_back(int const&)'],
  ['_ZTV6Widget', 'vtable for Widget'],
  ['_ZZ4mainE5count', 'main::count'],
  ['_ZdaPv', 'operator delete[](void*)'],
  ['_ZdlPv', 'operator delete(void*)'],
  ['_ZdlPvm', 'operator delete(void*, unsigned long)'],
  ['_ZplRK3VecS1_', 'operator+(Vec const&, Vec const&)'],
];

describe('demangle: Itanium C++', () => {
  it.each(CPP)('%s', (m, d) => expect(demangle(m)).toBe(d));
});

describe('demangle: Rust legacy', () => {
  it.each([
    ['_ZN4core3ptr13drop_in_place17h0123456789abcdefE', 'core::ptr::drop_in_place'],
    [
      '_ZN70_$LT$alloc..vec..Vec$LT$T$C$A$GT$$u20$as$u20$core..ops..drop..Drop$GT$4drop17h1b3c5d7e9f0a2b4cE',
      '<alloc::vec::Vec<T,A> as core::ops::drop::Drop>::drop',
    ],
    ['_ZN3std2rt10lang_start28_$u7b$$u7b$closure$u7d$$u7d$17h6f9f8e1c2d3b4a59E', 'std::rt::lang_start::{{closure}}'],
    ['_ZN5alloc5alloc15exchange_malloc17h0e1d2c3b4a596877E.llvm.1234', 'alloc::alloc::exchange_malloc'],
  ])('%s', (m, d) => expect(demangle(m)).toBe(d));
});

describe('demangle: Rust v0', () => {
  it.each([
    ['_RNvCs1234_7mycrate3foo', 'mycrate::foo'],
    ['_RNvNtCs1234_7mycrate3bar3baz', 'mycrate::bar::baz'],
    ['_RNvMCs1234_7mycrateNtB2_3Foo3new', '<mycrate::Foo>::new'],
    ['_RNCNvCs1234_7mycrate4main0B3_', 'mycrate::main::{closure#0}'],
    ['_RNvXCs1234_7mycrateNtB2_3FooNtNtCsabc_4core3fmt7Display3fmt', '<mycrate::Foo as core::fmt::Display>::fmt'],
    ['_RINvNtCs1234_5alloc5alloc8box_freeReEB6_', 'alloc::alloc::box_free::<&str>'],
    ['_RINvCs1234_7mycrate3fooAhj10_EB2_', 'mycrate::foo::<[u8; 16]>'],
    ['_RINvCs1234_7mycrate3fooTlmEEB2_', 'mycrate::foo::<(i32, u32)>'],
  ])('%s', (m, d) => expect(demangle(m)).toBe(d));
});

describe('demangle: pass-through', () => {
  it.each([
    'process_data',
    'malloc',
    '__rust_alloc',
    'core::ptr::drop_in_place<alloc::vec::Vec<u8>>',
    '_Z',
    '_ZN3foo',
    '_Zfoo',
    '_R',
    '_RNvC',
    '',
    '_ZN4core3ptr13drop_in_placeE$',
    'wasm-function[12]',
  ])('%s', (n) => expect(demangle(n)).toBe(n));

  it('never throws on random input', () => {
    let seed = 1;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const alphabet = '_ZRNIESKPRTCDL0123456789abcdefvijmsxyzB$';
    for (let i = 0; i < 20000; i++) {
      let s = rnd() < 0.5 ? '_Z' : '_R';
      for (let k = Math.floor(rnd() * 30); k > 0; k--) s += alphabet[Math.floor(rnd() * alphabet.length)];
      expect(typeof demangle(s)).toBe('string');
    }
  });
});
