// The shell's pure-Kotlin part: view-model adapters and formatting on plain values. No Android classes and no
// generated bindings, so the same sources also build and test with Maven on the desktop JVM (pom.xml here,
// run by scripts/test.sh).
plugins {
    id("org.jetbrains.kotlin.jvm")
}

kotlin {
    jvmToolchain(17)
}

dependencies {
    testImplementation(platform("org.junit:junit-bom:5.11.4"))
    testImplementation("org.junit.jupiter:junit-jupiter")
    testRuntimeOnly("org.junit.platform:junit-platform-launcher")
}

tasks.test {
    useJUnitPlatform()
}
