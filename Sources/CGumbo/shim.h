#include <gumbo.h>
#include <string.h>
