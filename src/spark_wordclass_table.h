/* spark_wordclass_table.h - the generated word-break class table of
 * src/spark_wordclass_table.c (tools/gen_java_wordclass.py): class k holds from
 * tc_java_wordclass_start[i] up to the next start. Private to spark_tokenizer.c. */
#ifndef TC_SPARK_WORDCLASS_TABLE_H
#define TC_SPARK_WORDCLASS_TABLE_H

#include <stddef.h>
#include <stdint.h>

/* Classes, plus TC_JWC_CASED when Java's ConditionalSpecialCasing.isCased holds. */
enum { TC_JWC_OTHER = 0, TC_JWC_LET = 1, TC_JWC_DGT = 2, TC_JWC_IGN = 3, TC_JWC_MIDW = 4,
       TC_JWC_CASED = 8 };

extern const size_t tc_java_wordclass_n;
extern const uint32_t tc_java_wordclass_start[];
extern const uint8_t tc_java_wordclass_class[];

#endif
