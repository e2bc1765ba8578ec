/* A C program hosting the Lazer VM: load a module, call a function, print
 * the result, handle an error. Usage: example_embed [MODULE_DIR]
 * (default: the folder of shapes.lzs in the source tree). */
#include <lazer.h>
#include <stdio.h>

#ifndef SHAPES_DIR
#define SHAPES_DIR "."
#endif

static void print_term(lzr_env *env, const char *label, lzr_term t) {
  char text[256];
  lzr_to_text(env, t, text, sizeof text); /* long texts are cut, never overrun */
  printf("%s%s\n", label, text);
}

/* Calls shapes.area(shape); returns 0 if it worked. */
static int area(lzr_vm *vm, lzr_term shape) {
  lzr_env *env = lzr_vm_env(vm);
  lzr_term result;
  lzr_status status = lzr_vm_call(vm, "shapes", "area", &shape, 1, &result);
  print_term(env, "area of ", shape);
  if (status == LZR_OK) {
    print_term(env, "  = ", result);
    return 0;
  }
  if (status == LZR_ERROR) { /* the function raised: result is the error term */
    printf("  error: %s\n", lzr_vm_message(vm));
    printf("  stack:\n%s", lzr_vm_stack_trace(vm));
    return 1;
  }
  printf("  cannot call shapes.area/1: %s\n", lzr_vm_message(vm)); /* load error, undefined... */
  return 1;
}

int main(int argc, char **argv) {
  lzr_vm *vm = lzr_vm_new();
  lzr_env *env;
  int failures = 0;
  if (!vm) return 1;
  lzr_vm_add_path(vm, argc > 1 ? argv[1] : SHAPES_DIR); /* shapes.lzs is found here */
  env = lzr_vm_env(vm);

  /* Terms built with the VM's env stay valid until the next lzr_vm_call,
   * which is why each shape is built right before its call. */
  failures += area(vm, lzr_tuple2(env, lzr_atom(env, "square"), lzr_int(env, 7)));
  failures += area(vm, lzr_tuple2(env, lzr_atom(env, "circle"), lzr_float(env, 0.5)));
  failures += area(vm, lzr_tuple2(env, lzr_atom(env, "triangle"), lzr_int(env, 3)));

  lzr_vm_free(vm);
  printf("%d call(s) failed\n", failures);
  return failures == 1 ? 0 : 1; /* exactly the triangle should fail */
}
