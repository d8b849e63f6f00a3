// Plugin versions for every module; each module applies what it needs.
plugins {
    id("com.android.application") version "8.7.3" apply false
    id("com.android.library") version "8.7.3" apply false
    id("org.jetbrains.kotlin.android") version "2.1.0" apply false
    id("org.jetbrains.kotlin.jvm") version "2.1.0" apply false
    id("org.jetbrains.kotlin.plugin.compose") version "2.1.0" apply false
    // Cross-compiles the Rust core with the NDK (see core/build.gradle.kts for why this one).
    id("org.mozilla.rust-android-gradle.rust-android") version "0.9.6" apply false
}
