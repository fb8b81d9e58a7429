/* The one place that picks the curses header: ncursesw, wide-character API. */
#ifndef GC_TUI_CURSES_H
#define GC_TUI_CURSES_H

#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include <ncursesw/curses.h>

#endif
