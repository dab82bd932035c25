/* Tests of render.c (being written). */
#include "test.h"

TEST(placeholder) {
}
