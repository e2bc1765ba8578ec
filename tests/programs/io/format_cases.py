#!/usr/bin/env python3
# Writes format_erlang.lzs (Lazer) and format_cases.erl (the oracle) from
# format_cases.txt (FORMAT<TAB>ARGS in Lazer literal syntax, atoms bare);
# then: erlc format_cases.erl && erl -noshell -s format_cases main > format_erlang.expected
import re
cases = [l.rstrip('\n').split('\t') for l in open('format_cases.txt') if l.strip()]
def erl_args(a): return re.sub(r'"([^"]*)"', r'<<"\1">>', a)
def lzr_args(a): return re.sub(r'(?<![\w"])([a-z][a-z_]*)(?![\w"])', r':\1', a)
erl = ['%% The oracle for format_erlang.lzs (cases from format_cases.txt).', '-module(format_cases).', '-export([main/0]).', 'main() ->']
for f, a in cases:
    erl.append('  io:put_chars([io_lib:format(%s, %s), "\\n"]),' % ('"' + f + '"', erl_args(a)))
erl.append('  halt().')
open('format_cases.erl', 'w').write('\n'.join(erl) + '\n')
lz = ['; binary.format/2 against Erlang\'s io_lib:format, case for case: the',
      '; expected output is what format_cases.erl prints (erlc format_cases.erl &&',
      '; erl -noshell -s format_cases main); both are generated from format_cases.txt.',
      'func main/0 frame=1']
lz.append('  loadc y0, [' + ', '.join('{"%s", %s}' % (f, lzr_args(a)) for f, a in cases) + ']')
lz += ['  loadc x1, []', 'each:', '  eq y0, x1, done', '  loadi x0, 0', '  get x0, y0, x0', '  loadi x1, 0', '  get x1, x0, x1',
       '  loadi x2, 1', '  get x2, x0, x2', '  mov x0, x1', '  mov x1, x2', '  call x0, binary.format/2', '  call x0, io.puts/1',
       '  loadi x0, 1', '  drop y0, y0, x0', '  loadc x1, []', '  jmp each', 'done:', '  load x0, :ok', '  ret x0']
open('format_erlang.lzs', 'w').write('\n'.join(lz) + '\n')
