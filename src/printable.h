/* Text that apps and the journal hand us — log lines, sd_notify STATUS= — made inert for
 * printing. Such text can hold escape sequences that move the cursor, retitle the terminal or
 * hide earlier output, or bytes that are not UTF-8; what clusterctl prints of it never does,
 * on a terminal or not. Pure functions, no I/O. */
#pragma once

#include <stddef.h>

/* s with every control character shown as an escape: "\n", "\r", "\e", "\x01" for C0 and DEL,
 * "\u009b" for C1, and "\xff" for each byte that is not UTF-8. Tabs stay. Printable text,
 * UTF-8 included, is kept as it is. NULL only when out of memory; NULL s gives "". */
char *printable_text(const char *s);

/* printable_text(s) in at most max bytes (max >= 3): a longer text is cut between two of its
 * characters or escapes and ends with "...". For untrusted names and values quoted in messages. */
char *printable_text_cut(const char *s, size_t max);

/* s as a JSON string literal, quotes included: \" \\ \n \r \t \b \f, \u00XX for the other
 * control characters (C0, DEL and C1), U+FFFD for each byte that is not UTF-8, so the result
 * is valid JSON and nothing in it reaches a terminal raw. NULL only when out of memory. */
char *json_string(const char *s);
