// Reads the shared, language-neutral vectors in tests/vectors/ (the files core/tests/vectors.rs,
// pytest and the Swift tests also read), unchanged, with Debian's Gson.
package health.amimestrocel.dkd.tests

import com.google.gson.JsonElement
import com.google.gson.JsonObject
import com.google.gson.JsonParser
import java.io.File
import health.amimestrocel.dkd.DkdException

object Vectors {
    /** The vectors folder: `-Damimestrocel.vectors=DIR` (set by scripts/test-kotlin.sh), else ./tests/vectors. */
    val dir: File = File(System.getProperty("amimestrocel.vectors") ?: "tests/vectors")

    fun load(name: String): JsonObject {
        val file = File(dir, name)
        check(file.isFile) { "vector file not found: ${file.absolutePath}" }
        return JsonParser.parseString(file.readText(Charsets.UTF_8)).asJsonObject
    }

    /** The cases of one array of a vector file, refusing fewer than [minimum] (so an empty file cannot pass). */
    fun cases(file: String, array: String, minimum: Int): List<JsonObject> {
        val cases = load(file).getAsJsonArray(array).map { it.asJsonObject }
        check(cases.size >= minimum) { "$file: only ${cases.size} entries in `$array`, expected at least $minimum" }
        return cases
    }
}

/** A number, or one of the strings NaN / Infinity / -Infinity that JSON cannot hold as numbers. */
fun number(v: JsonElement?): Double {
    requireNotNull(v) { "missing number" }
    val p = v.asJsonPrimitive
    if (p.isNumber) return p.asDouble
    return when (p.asString) {
        "NaN" -> Double.NaN
        "Infinity" -> Double.POSITIVE_INFINITY
        "-Infinity" -> Double.NEGATIVE_INFINITY
        else -> throw IllegalArgumentException("not a number: $p")
    }
}

fun JsonObject.str(key: String): String = get(key).asString

/** The member, or null when it is absent or JSON null. */
fun JsonObject.opt(key: String): JsonElement? = get(key)?.takeUnless { it.isJsonNull }

/** The stable kind of any error of the library. Exhaustive: a new variant does not compile until handled here. */
val DkdException.errorKind: String
    get() = when (this) {
        is DkdException.InvalidInput -> kind
        is DkdException.InvalidConfig -> kind
        is DkdException.Internal -> kind
    }

/** The field path of any error ("" where the input is not a field of a record). */
val DkdException.errorPath: String
    get() = when (this) {
        is DkdException.InvalidInput -> path
        is DkdException.InvalidConfig -> path
        is DkdException.Internal -> ""
    }

/** The reason (core's text) of any error. */
val DkdException.reasonText: String
    get() = when (this) {
        is DkdException.InvalidInput -> reason
        is DkdException.InvalidConfig -> reason
        is DkdException.Internal -> reason
    }
