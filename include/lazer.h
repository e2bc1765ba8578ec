/*
 * lazer.h: the C API of the Lazer VM.
 *
 * Two uses, one header (C99 or C++; docs/c-api.md has the full guide):
 *
 *   Native functions: C functions in a shared library that Lazer code calls
 *   like any other function. A native module (.lzr type 0, made with
 *   `lzr native`) names the library and the functions it provides.
 *
 *   Embedding: a C or C++ program creates a VM, loads modules and calls
 *   functions (the lzr_vm_* calls at the end).
 *
 * THE GC RULE. Terms are 64-bit words; many point into the calling
 * process's heap, which the garbage collector moves. The collector never runs
 * while a native function runs, only at the engine's safe points, so:
 *
 *   - every term a native receives or builds stays valid until the native
 *     returns; build as much as you like while holding them;
 *   - do not keep a term after the native returns (no static or global
 *     terms, no terms saved for a later call): it may have moved or died;
 *     atoms are the exception (an atom is valid for the life of its VM);
 *   - argv is read-only;
 *   - pointers into terms (lzr_get_binary, lzr_get_tuple) have the same
 *     lifetime as the terms;
 *   - the native's result (and nothing else it built) survives.
 *
 * For an embedding host the same rule holds between two lzr_vm_call()s:
 * terms returned or built through lzr_vm_env() are valid until the next
 * lzr_vm_call(); pass them as arguments to keep them across a call.
 *
 * ERRORS. A native fails by returning the result of a raise call:
 *
 *     return lzr_raise_atom(env, "badarg");
 *
 * Raising stores the error term and returns LZR_RAISED, a word that is never
 * a term. Builders that can fail (lzr_int out of range, lzr_float of a NaN,
 * lzr_atom of an over-long text, lzr_map_put on a non-map) raise too and
 * return LZR_RAISED, and every builder given LZR_RAISED as an input returns
 * LZR_RAISED without raising again, so an error travels up through nested
 * builders to the native's `return` and is never stored inside a term.
 *
 * ARITY. A native is called with argc equal to the arity its module lists
 * (`upcase/1` gives argc 1). When one symbol is listed under several
 * arities, or to guard against a module listing the wrong one, check argc:
 *
 *     if (argc != 2) return lzr_raise_badarity(env, argv, argc);
 *
 * THREADS. A VM and everything reached through its lzr_env belongs to one
 * thread at a time. A native must not call back into the VM that runs it
 * (lzr_vm_call from inside a native returns LZR_BAD_CALL).
 */
#ifndef LAZER_H
#define LAZER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LZR_API_VERSION 1

#if defined(__GNUC__) || defined(__clang__)
#define LZR_VISIBLE __attribute__((visibility("default")))
#else
#define LZR_VISIBLE
#endif
#define LZR_API LZR_VISIBLE

/* Put before a native function's definition: an unmangled, exported symbol
 * even in C++ or when the library is built with -fvisibility=hidden. */
#ifdef __cplusplus
#define LZR_NATIVE extern "C" LZR_VISIBLE
#else
#define LZR_NATIVE LZR_VISIBLE
#endif

typedef uint64_t lzr_term;
typedef struct lzr_env lzr_env; /* opaque: the running process */
typedef lzr_term (*lzr_native_fn)(lzr_env *env, const lzr_term *argv, unsigned argc);

/* Returned by raise calls and failed builders; never a term. */
#define LZR_RAISED ((lzr_term)0xFFFF000000000000ull)
#define lzr_is_raised(t) ((t) == LZR_RAISED)

/* Integers have any size (up to 2^26 bits); those in this range are small
 * (immediate words), the others big integers on the heap. */
#define LZR_INT_MIN (-(INT64_C(1) << 47))
#define LZR_INT_MAX ((INT64_C(1) << 47) - 1)

/* ------------------------------------------------------------------ types */

/* In Erlang term order: number < atom < function < tuple < map < list <
 * binary ([] is a list). LZR_TYPE_NONE is the type of LZR_RAISED. */
typedef enum lzr_type {
  LZR_TYPE_NONE = 0,
  LZR_TYPE_INTEGER,
  LZR_TYPE_FLOAT,
  LZR_TYPE_ATOM,
  LZR_TYPE_FUNCTION,
  LZR_TYPE_TUPLE,
  LZR_TYPE_MAP,
  LZR_TYPE_LIST,
  LZR_TYPE_BINARY,
  /* added with processes; in term order a reference sorts between atoms
   * and functions, a pid between functions and tuples */
  LZR_TYPE_REFERENCE,
  LZR_TYPE_PID
} lzr_type;

LZR_API lzr_type lzr_type_of(lzr_env *env, lzr_term t);
/* Predicates return 1 or 0. */
LZR_API int lzr_is_integer(lzr_env *env, lzr_term t);
LZR_API int lzr_is_float(lzr_env *env, lzr_term t);
LZR_API int lzr_is_number(lzr_env *env, lzr_term t);
LZR_API int lzr_is_atom(lzr_env *env, lzr_term t);
LZR_API int lzr_is_list(lzr_env *env, lzr_term t); /* [] or a cons cell */
LZR_API int lzr_is_nil(lzr_env *env, lzr_term t);  /* [] */
LZR_API int lzr_is_cons(lzr_env *env, lzr_term t); /* non-empty list */
LZR_API int lzr_is_tuple(lzr_env *env, lzr_term t);
LZR_API int lzr_is_map(lzr_env *env, lzr_term t);
LZR_API int lzr_is_binary(lzr_env *env, lzr_term t);
LZR_API int lzr_is_function(lzr_env *env, lzr_term t);

/* ------------------------------------------------------------ processes */

/* 1 if t is a pid (docs/processes.md). */
LZR_API int lzr_is_pid(lzr_env *env, lzr_term t);
/* The pid of the process running this native (or the embedding VM's
 * main process). */
LZR_API lzr_term lzr_self(lzr_env *env);
/* Sends a copy of msg to `to` (a pid or a registered name's atom), as
 * process.send/2: returns msg; a pid that is gone drops it; a name nobody
 * has, or any other `to`, raises {badarg, to}. */
LZR_API lzr_term lzr_send(lzr_env *env, lzr_term to, lzr_term msg);

/* ------------------------------------------------------------ comparison */

/* Term order with numbers by value: <0, 0 or >0 (lzr_compare(1, 1.0) == 0). */
LZR_API int lzr_compare(lzr_env *env, lzr_term a, lzr_term b);
/* `==` (numbers by value) and `=:=` (exact: 1 and 1.0 differ; map keys). */
LZR_API int lzr_equal(lzr_env *env, lzr_term a, lzr_term b);
LZR_API int lzr_exact_equal(lzr_env *env, lzr_term a, lzr_term b);

/* ------------------------------------------------------------ numbers */

/* The integer v (any int64). */
LZR_API lzr_term lzr_int(lzr_env *env, int64_t v);
/* 1 and *out = value if t is an integer that fits int64; 0 otherwise (*out
 * untouched). */
LZR_API int lzr_get_int64(lzr_env *env, lzr_term t, int64_t *out);
/* As lzr_get_int64, and 0 also when the value does not fit an int. */
LZR_API int lzr_get_int(lzr_env *env, lzr_term t, int *out);
/* An integer of any size from decimal text: an optional '-' or '+', then
 * one or more digits, nothing else (len bytes, no NUL needed). Raises
 * `badarg` for other text, `system_limit` past 2^26 bits. */
LZR_API lzr_term lzr_int_from_decimal(lzr_env *env, const char *text, size_t len);
/* An integer from its sign (0 = positive, else negative) and magnitude:
 * len bytes, least significant first (high zero bytes allowed). Raises
 * `system_limit` past 2^26 bits. */
LZR_API lzr_term lzr_int_from_bytes(lzr_env *env, int negative, const unsigned char *magnitude, size_t len);
/* If t is an integer: *negative = 1 or 0 and *len = bytes of its
 * magnitude (0 for zero; no high zero byte). With magnitude non-NULL, the
 * bytes (least significant first) are written there if capacity >= *len,
 * else it returns 0. Returns 0 if t is not an integer. Any out pointer
 * may be NULL. */
LZR_API int lzr_get_int_bytes(lzr_env *env, lzr_term t, int *negative, unsigned char *magnitude,
                              size_t capacity, size_t *len);
/* If t is an integer: *len = length of its decimal text (a '-' included);
 * with buf non-NULL the text and a NUL are written there if capacity >
 * *len, else it returns 0. Returns 0 if t is not an integer. */
LZR_API int lzr_get_int_decimal(lzr_env *env, lzr_term t, char *buf, size_t capacity, size_t *len);
/* The float d; raises `badarith` for NaN or an infinity (the VM has none). */
LZR_API lzr_term lzr_float(lzr_env *env, double d);
/* 1 if t is a float. */
LZR_API int lzr_get_float(lzr_env *env, lzr_term t, double *out);
/* 1 if t is an integer (converted to the nearest double) or a float; 0
 * also for an integer beyond the float range. */
LZR_API int lzr_get_number(lzr_env *env, lzr_term t, double *out);

/* ------------------------------------------------------------ atoms */

/* The atom with this UTF-8 text (at most 255 bytes); raises `system_limit`
 * if the text is too long or the atom table is full, `badarg` if it is not
 * valid UTF-8 or holds a NUL byte (the loader's atom rules). */
LZR_API lzr_term lzr_atom(lzr_env *env, const char *text);
LZR_API lzr_term lzr_atom_n(lzr_env *env, const char *text, size_t len);
/* 1 and the atom's text if t is an atom. The text is not NUL-terminated and
 * stays valid for the life of the VM. */
LZR_API int lzr_get_atom(lzr_env *env, lzr_term t, const char **text, size_t *len);
/* 1 if t is the atom with this text. */
LZR_API int lzr_atom_is(lzr_env *env, lzr_term t, const char *text);
/* :true / :false; lzr_get_bool gives 1 and *out = 0/1 if t is one of them. */
LZR_API lzr_term lzr_bool(lzr_env *env, int b);
LZR_API int lzr_get_bool(lzr_env *env, lzr_term t, int *out);

/* ------------------------------------------------------------ binaries */

LZR_API lzr_term lzr_binary(lzr_env *env, const void *bytes, size_t len);
/* A binary holding a C string's bytes (without the NUL). */
LZR_API lzr_term lzr_string(lzr_env *env, const char *text);
/* A binary of len bytes to fill in through *data before the native returns.
 * Raises `badarg` if data is NULL, `system_limit` if no binary can be that
 * long. Every builder taking a count raises `system_limit` for a count no
 * term can hold, before reading any element. */
LZR_API lzr_term lzr_binary_alloc(lzr_env *env, size_t len, unsigned char **data);
/* 1 and the bytes if t is a binary (the pointer follows the GC rule). */
LZR_API int lzr_get_binary(lzr_env *env, lzr_term t, const unsigned char **data, size_t *len);

/* ------------------------------------------------------------ lists */

LZR_API lzr_term lzr_nil(lzr_env *env); /* [] */
/* [head | tail]; tail need not be a list (improper lists are terms). */
LZR_API lzr_term lzr_cons(lzr_env *env, lzr_term head, lzr_term tail);
/* The proper list of n items. */
LZR_API lzr_term lzr_list(lzr_env *env, const lzr_term *items, size_t n);
/* 1, head and tail if t is a non-empty list; 0 for [] and non-lists. */
LZR_API int lzr_get_list_cell(lzr_env *env, lzr_term t, lzr_term *head, lzr_term *tail);
/* 1 and the length if t is a proper list; 0 for improper lists and non-lists. */
LZR_API int lzr_get_list_length(lzr_env *env, lzr_term t, size_t *len);

/* ------------------------------------------------------------ tuples */

LZR_API lzr_term lzr_tuple(lzr_env *env, const lzr_term *elems, size_t n);
LZR_API lzr_term lzr_tuple2(lzr_env *env, lzr_term a, lzr_term b);
LZR_API lzr_term lzr_tuple3(lzr_env *env, lzr_term a, lzr_term b, lzr_term c);
/* 1, the elements and their count if t is a tuple (read-only; the pointer
 * follows the GC rule). */
LZR_API int lzr_get_tuple(lzr_env *env, lzr_term t, const lzr_term **elems, size_t *arity);

/* ------------------------------------------------------------ maps */

/* Maps are immutable: put and remove return a new map. Keys compare exactly
 * (1 and 1.0 are different keys). */
LZR_API lzr_term lzr_map_new(lzr_env *env);
/* From n key/value pairs kv[0], kv[1], kv[2], ... (a later duplicate wins). */
LZR_API lzr_term lzr_map_from_pairs(lzr_env *env, const lzr_term *kv, size_t n);
/* Raise {badmap, map} if map is not a map. */
LZR_API lzr_term lzr_map_put(lzr_env *env, lzr_term map, lzr_term key, lzr_term value);
LZR_API lzr_term lzr_map_remove(lzr_env *env, lzr_term map, lzr_term key);
/* 1 and the value if map is a map holding key. */
LZR_API int lzr_map_get(lzr_env *env, lzr_term map, lzr_term key, lzr_term *value);
/* 1 and the entry count if map is a map. */
LZR_API int lzr_get_map_size(lzr_env *env, lzr_term map, size_t *size);
/* Calls visit for each entry in key order (exact term order) until it
 * returns nonzero. Returns 1 if map is a map, 0 otherwise (nothing
 * visited). The visitor may build terms but must not raise. */
typedef int (*lzr_map_visitor)(lzr_env *env, lzr_term key, lzr_term value, void *data);
LZR_API int lzr_map_iterate(lzr_env *env, lzr_term map, lzr_map_visitor visit, void *data);

/* ------------------------------------------------------------ text */

/* Writes t as Lazer prints it (`{:ok, [1, 2]}`) into buf, snprintf-style:
 * at most size-1 characters and a NUL (nothing when size is 0). Returns the
 * length of the whole text. A NULL buf only measures. */
LZR_API size_t lzr_to_text(lzr_env *env, lzr_term t, char *buf, size_t size);

/* ------------------------------------------------------------ raising */

/* Each stores an error and returns LZR_RAISED: `return lzr_raise(...)`.
 * Raising LZR_RAISED keeps the error already raised. */
LZR_API lzr_term lzr_raise(lzr_env *env, lzr_term reason);
LZR_API lzr_term lzr_raise_atom(lzr_env *env, const char *reason);   /* :reason */
LZR_API lzr_term lzr_raise_tagged(lzr_env *env, const char *tag, lzr_term value); /* {:tag, value} */
/* {:badarity, [arg, ...]}: the native was called with an argument count it
 * does not take. */
LZR_API lzr_term lzr_raise_badarity(lzr_env *env, const lzr_term *argv, unsigned argc);

/* ================================================================ embedding
 *
 * A host program owns a VM with the built-in modules and one process.
 * Modules load from files, memory or the search path (on demand when
 * lzr_vm_call names a module not yet loaded). Calls that fail return a
 * status and leave a one-line message in lzr_vm_message().
 *
 * Hosts link the `lazer` CMake target (docs/c-api.md); a host that loads
 * native modules must also export the lzr_* symbols to them (ENABLE_EXPORTS).
 */

typedef struct lzr_vm lzr_vm;

typedef enum lzr_status {
  LZR_OK = 0,
  LZR_ERROR = 1,       /* the called function raised; the result is the error term */
  LZR_LOAD_ERROR = 2,  /* a module could not be found, read, verified or linked */
  LZR_UNDEFINED = 3,   /* the module has no such function */
  LZR_BAD_CALL = 4     /* bad arguments to the API call itself */
} lzr_status;

/* A native a host provides directly (see lzr_vm_define_module). */
typedef struct lzr_native_def {
  const char *name;
  unsigned arity;
  lzr_native_fn fn;
} lzr_native_def;

/* A new VM with the built-in modules; NULL only if memory runs out (the
 * process's stack, at least 1 MiB of address space, or its first heap
 * block cannot be had). */
LZR_API lzr_vm *lzr_vm_new(void);
LZR_API void lzr_vm_free(lzr_vm *vm);

/* Appends a folder to the module search path (searched in order). */
LZR_API void lzr_vm_add_path(lzr_vm *vm, const char *dir);
/* Allows native libraries from a folder (and its subfolders). A native
 * module may open a library only from its own folder (a relative path
 * without "..") or from a folder allowed here: opening a library runs its
 * code (docs/security.md). */
LZR_API void lzr_vm_add_native_path(lzr_vm *vm, const char *dir);
/* "asm" or "portable" (the default is the fastest built). LZR_BAD_CALL if
 * unknown or not built here. */
LZR_API lzr_status lzr_vm_set_engine(lzr_vm *vm, const char *engine);
/* Collect at every allocation (slow; for testing natives). */
LZR_API void lzr_vm_set_gc_stress(lzr_vm *vm, int on);
/* Limits the process heap to `bytes` (0: no limit, the default; otherwise
 * at least 1 MiB, else LZR_BAD_CALL). A single object larger than that
 * raises :system_limit in the program; a collection that finds more live
 * data than that ends the host process: it prints
 * "lzr: out_of_memory: ..." on stderr and exits with status 1
 * (docs/security.md). */
LZR_API lzr_status lzr_vm_set_max_heap(lzr_vm *vm, size_t bytes);
/* Runs the VM's processes on `n` scheduler threads (1 to 1024, else
 * LZR_BAD_CALL; also refused from inside lzr_vm_call). The default is 1:
 * every process runs on the thread that called lzr_vm_call, and natives
 * are never called on two threads at once. With n > 1, lzr_vm_call starts
 * n - 1 threads, runs processes on them and on the caller's thread in
 * parallel, and joins them before it returns; natives (the host's too)
 * may then run on several threads at once and must be thread-safe
 * (docs/c-api.md, "Schedulers"). `lzr run` defaults to one per core. */
LZR_API lzr_status lzr_vm_set_schedulers(lzr_vm *vm, int n);

/* Load a module (and the modules it calls, from the search path):
 * from a .lzr or .lzs file; from a .lzr image in memory; from .lzs text in
 * memory. `label` names the module in messages and its folder anchors a
 * native module's relative library path. */
LZR_API lzr_status lzr_vm_load_file(lzr_vm *vm, const char *path);
LZR_API lzr_status lzr_vm_load_image(lzr_vm *vm, const void *bytes, size_t size, const char *label);
LZR_API lzr_status lzr_vm_load_source(lzr_vm *vm, const char *text, size_t len, const char *label);
/* Adds a module `name` made of the host's own natives (no library needed). */
LZR_API lzr_status lzr_vm_define_module(lzr_vm *vm, const char *name, const lzr_native_def *fns, size_t n);

/* The env for building arguments and reading results outside any native. */
LZR_API lzr_env *lzr_vm_env(lzr_vm *vm);

/* Calls module.function/nargs (loading the module if needed).
 * LZR_OK: *result is the return value. LZR_ERROR: *result is the error term,
 * lzr_vm_message() its text and lzr_vm_stack_trace() where it happened.
 * Other statuses leave *result untouched. */
LZR_API lzr_status lzr_vm_call(lzr_vm *vm, const char *module, const char *function,
                               const lzr_term *args, unsigned nargs, lzr_term *result);

/* The last failure as one line ("" after a success). Valid until the next
 * lzr_vm_* call. */
LZR_API const char *lzr_vm_message(const lzr_vm *vm);
/* After LZR_ERROR: lines like "mod.fun/2 (mod.lzs:14)", innermost first,
 * each ending in '\n' ("" otherwise); "(word 14)" for a module without a
 * line table, "(N times)" after a line for N frames at the same place. */
LZR_API const char *lzr_vm_stack_trace(const lzr_vm *vm);
/* After LZR_ERROR: the exception's class, "error", "throw" or "exit" (""
 * otherwise). lzr_vm_message() starts with "throw: " or "exit: " for those. */
LZR_API const char *lzr_vm_error_class(const lzr_vm *vm);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* LAZER_H */
