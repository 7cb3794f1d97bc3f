/**
 * Packages of an image's final filesystem: OS packages (dpkg, apk) named after the distro of
 * os-release, npm packages in node_modules, Python distributions, and lockfiles. One component
 * per purl; a package found in several places lists them all in `sources`.
 */
import type { Component, Ecosystem, LockfileReader } from "../model.js";
import { ComponentMerger } from "../merge.js";
import { apkComponents } from "./apk.js";
import { dpkgComponents, parseDpkgStatus, type DpkgPackage } from "./dpkg.js";
import type { FileSelector } from "./file-selector.js";
import { readImageLockfiles } from "./lockfiles.js";
import { linkNodePackages, readNodePackage, type InstalledPackage } from "./node-modules.js";
import { parseOsRelease, type Distro } from "./os-release.js";
import { linkPythonDistributions, readPythonMetadata, type InstalledDistribution } from "./python-metadata.js";
import type { VirtualFs } from "./virtual-fs.js";

export interface Catalog {
  distro?: Distro;
  components: Component[];
  warnings: string[];
  /** Package databases and lockfiles read, with how many components each gave. */
  inputs: Array<{ file: string; ecosystem: Ecosystem; components: number }>;
}

export function catalogImage(fs: VirtualFs, selector: FileSelector, readers: readonly LockfileReader[]): Catalog {
  const warnings: string[] = [];
  const inputs: Catalog["inputs"] = [];
  const osRelease = fs.read("etc/os-release") ?? fs.read("usr/lib/os-release");
  const distro = osRelease ? parseOsRelease(osRelease.content.toString("utf8")) : undefined;

  const dpkg: DpkgPackage[] = [];
  const npm: InstalledPackage[] = [];
  const python: InstalledDistribution[] = [];
  const lockfiles: Array<{ path: string; content: Buffer }> = [];
  let apk: Component[] = [];
  for (const file of fs.files()) {
    const text = (): string => file.content.toString("utf8");
    switch (selector.kindOf(file.path)) {
      case "dpkg-status":
        dpkg.push(...parseDpkgStatus(text(), file.path));
        break;
      case "apk-installed":
        apk = apkComponents(text(), file.path, distro);
        inputs.push({ file: file.path, ecosystem: "apk", components: apk.length });
        break;
      case "npm-package": {
        const read = readNodePackage(text(), file.path);
        if ("skipped" in read) warnings.push(read.skipped);
        else npm.push(read);
        break;
      }
      case "python-metadata": {
        const read = readPythonMetadata(text(), file.path);
        if ("skipped" in read) warnings.push(read.skipped);
        else python.push(read);
        break;
      }
      case "lockfile":
        lockfiles.push(file);
        break;
      default:
        break;
    }
  }
  const deb = dpkgComponents(dpkg, distro);
  const perStatusFile = new Map<string, number>();
  for (const p of dpkg) perStatusFile.set(p.file, (perStatusFile.get(p.file) ?? 0) + 1);
  for (const [file, count] of perStatusFile) inputs.push({ file, ecosystem: "deb", components: count });
  linkNodePackages(npm);
  linkPythonDistributions(python);
  const fromLockfiles = readImageLockfiles(lockfiles, fs, readers);
  warnings.push(...fromLockfiles.warnings);
  inputs.push(...fromLockfiles.inputs);

  const merger = new ComponentMerger();
  for (const component of [...deb, ...apk, ...npm.map((p) => p.component), ...python.map((d) => d.component), ...fromLockfiles.components]) merger.add(component);
  const catalog: Catalog = { components: merger.list(), warnings, inputs };
  if (distro) catalog.distro = distro;
  return catalog;
}
