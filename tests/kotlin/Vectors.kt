// Reads the shared, language-neutral vectors in tests/vectors/ (the files core/tests/vectors.rs,
// pytest and the Swift tests also read), unchanged, with Debian's Gson.
package health.amimestrocel.dkd.tests

import com.google.gson.JsonElement
import com.google.gson.JsonObject
import com.google.gson.JsonParser
import java.io.File
import health.amimestrocel.dkd.EgfrException
import health.amimestrocel.dkd.LabException
import health.amimestrocel.dkd.ScreeningException

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

/** The stable kind of any lab error. Exhaustive: a new variant does not compile until it is handled here. */
val LabException.errorKind: String
    get() = when (this) {
        is LabException.UnknownUnit -> kind
        is LabException.UnitNotForAnalyte -> kind
        is LabException.UnknownAnalyte -> kind
        is LabException.NotFinite -> kind
        is LabException.Negative -> kind
        is LabException.OutOfBounds -> kind
        is LabException.InvalidJson -> kind
        is LabException.WrongAnalyte -> kind
        is LabException.Internal -> kind
    }

/** The stable kind of any eGFR error (for `Lab`, the lab error's kind). Exhaustive, as above. */
val EgfrException.errorKind: String
    get() = when (this) {
        is EgfrException.UnknownEquation -> kind
        is EgfrException.MissingInput -> kind
        is EgfrException.AgeOutOfRange -> kind
        is EgfrException.WeightOutOfBounds -> kind
        is EgfrException.ColumnLength -> kind
        is EgfrException.Lab -> kind
        is EgfrException.InvalidAge -> kind
        is EgfrException.UnknownSex -> kind
        is EgfrException.BirthAfterDate -> kind
        is EgfrException.InvalidDate -> kind
        is EgfrException.Internal -> kind
    }

/** The reason (core's text) of any lab error. */
val LabException.reasonText: String
    get() = when (this) {
        is LabException.UnknownUnit -> reason
        is LabException.UnitNotForAnalyte -> reason
        is LabException.UnknownAnalyte -> reason
        is LabException.NotFinite -> reason
        is LabException.Negative -> reason
        is LabException.OutOfBounds -> reason
        is LabException.InvalidJson -> reason
        is LabException.WrongAnalyte -> reason
        is LabException.Internal -> reason
    }

/** The stable kind of any screening error (for `Lab`, the lab error's kind). Exhaustive, as above. */
val ScreeningException.errorKind: String
    get() = when (this) {
        is ScreeningException.Malformed -> kind
        is ScreeningException.Lab -> kind
        is ScreeningException.DateAfterScreening -> kind
        is ScreeningException.DatesOutOfOrder -> kind
        is ScreeningException.InvalidValue -> kind
        is ScreeningException.InvalidDate -> kind
        is ScreeningException.InvalidConfig -> kind
        is ScreeningException.Internal -> kind
    }

/** The field path of any screening error (`labs.uacr[0].date`). */
val ScreeningException.errorPath: String
    get() = when (this) {
        is ScreeningException.Malformed -> path
        is ScreeningException.Lab -> path
        is ScreeningException.DateAfterScreening -> path
        is ScreeningException.DatesOutOfOrder -> path
        is ScreeningException.InvalidValue -> path
        is ScreeningException.InvalidDate -> path
        is ScreeningException.InvalidConfig -> path
        is ScreeningException.Internal -> ""
    }

/** The reason (core's text) of any screening error. */
val ScreeningException.reasonText: String
    get() = when (this) {
        is ScreeningException.Malformed -> reason
        is ScreeningException.Lab -> reason
        is ScreeningException.DateAfterScreening -> reason
        is ScreeningException.DatesOutOfOrder -> reason
        is ScreeningException.InvalidValue -> reason
        is ScreeningException.InvalidDate -> reason
        is ScreeningException.InvalidConfig -> reason
        is ScreeningException.Internal -> reason
    }
