// The Rust core as an Android library: the native library for three ABIs and its Kotlin bindings.
//
// Native build: the Mozilla rust-android-gradle plugin (`cargo { … }`), which drives Cargo with the NDK's
// prebuilt clang toolchains. Its `profile` accepts only Cargo's built-in `debug`/`release` (it passes
// `--<profile>`), so the workspace's `mobile` profile (Cargo.toml: opt-level "z", fat LTO, one codegen unit,
// stripped, unwinding panics) is applied to the release profile through Cargo's CARGO_PROFILE_RELEASE_*
// environment overrides below: the same settings, the same size. Keep them in step with [profile.mobile].
//
// Bindings: uniffi reads the interface from an unstripped library's symbols, so `generateUniffiBindings` builds
// the host debug library and runs the workspace's uniffi-bindgen on it (android = true: core/uniffi.toml).
import java.util.Locale

plugins {
    id("com.android.library")
    id("org.jetbrains.kotlin.android")
    id("org.mozilla.rust-android-gradle.rust-android")
}

/** The repository root (this Gradle project lives in android/). */
val repoRoot: File = rootProject.projectDir.parentFile

android {
    namespace = "app.onego.core"
    compileSdk = 35
    // NDK r27, as preinstalled on GitHub's ubuntu runners; the workflow exports ANDROID_NDK_HOME to match.
    ndkVersion = "27.2.12479018"

    defaultConfig {
        minSdk = 26
        consumerProguardFiles("consumer-rules.pro")
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }

    sourceSets {
        getByName("main") {
            kotlin.srcDir(layout.buildDirectory.dir("generated/source/uniffi/kotlin"))
        }
    }

    testOptions {
        unitTests.all { it.useJUnitPlatform() }
    }
}

kotlin {
    jvmToolchain(17)
}

cargo {
    // The onego-ffi crate (cdylib `libonego_ffi.so`); Cargo writes to the workspace's target directory.
    module = "../../bindings"
    libname = "onego_ffi"
    targetDirectory = "../../target"
    // arm64-v8a, armeabi-v7a, x86_64 (emulators and Chromebooks).
    targets = listOf("arm64", "arm", "x86_64")
    profile = "release"
    apiLevel = 26
    // The plugin's linker wrapper runs with `python` unless RUST_ANDROID_GRADLE_PYTHON_COMMAND says otherwise
    // (the workflow sets python3).
    extraCargoBuildArguments = listOf("--locked")
    exec = { spec, _ ->
        spec.environment("CARGO_PROFILE_RELEASE_OPT_LEVEL", "z")
        spec.environment("CARGO_PROFILE_RELEASE_LTO", "fat")
        spec.environment("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "1")
        spec.environment("CARGO_PROFILE_RELEASE_PANIC", "unwind")
        spec.environment("CARGO_PROFILE_RELEASE_STRIP", "symbols")
    }
}

val uniffiOut = layout.buildDirectory.dir("generated/source/uniffi/kotlin")

val generateUniffiBindings by tasks.registering(Exec::class) {
    description = "Generates the Kotlin bindings (android = true) from the host debug build of onego-ffi."
    group = "build"
    val hostLib = if (System.getProperty("os.name").lowercase(Locale.ROOT).contains("mac")) {
        "libonego_ffi.dylib"
    } else {
        "libonego_ffi.so"
    }
    val config = project.file("uniffi.toml")
    val out = uniffiOut.get().asFile
    inputs.file(config)
    inputs.file(repoRoot.resolve("Cargo.lock"))
    inputs.dir(repoRoot.resolve("core/src"))
    inputs.dir(repoRoot.resolve("protocol/src"))
    inputs.dir(repoRoot.resolve("bindings/src"))
    outputs.dir(out)
    workingDir = repoRoot
    commandLine(
        "bash", "-euc",
        "rm -rf \"\$1\" && cargo build -q --locked -p onego-ffi && " +
            "cargo run -q --locked -p uniffi-bindgen -- generate --library \"target/debug/\$2\" " +
            "--language kotlin --out-dir \"\$1\" --no-format --config \"\$3\"",
        "generate-bindings", out.absolutePath, hostLib, config.absolutePath,
    )
}

tasks.named("preBuild") { dependsOn(generateUniffiBindings) }

// The native libraries are part of every variant's JNI folders.
tasks.matching { it.name.matches(Regex("merge.*JniLibFolders")) }.configureEach {
    dependsOn("cargoBuild")
}

dependencies {
    // The generated Kotlin calls the library through JNA (the AAR carries libjnidispatch for each ABI).
    api("net.java.dev.jna:jna:5.15.0@aar")
    api("org.jetbrains.kotlinx:kotlinx-coroutines-android:1.9.0")
    implementation("androidx.annotation:annotation:1.9.1")

    testImplementation(platform("org.junit:junit-bom:5.11.4"))
    testImplementation("org.junit.jupiter:junit-jupiter")
    testRuntimeOnly("org.junit.platform:junit-platform-launcher")
}
